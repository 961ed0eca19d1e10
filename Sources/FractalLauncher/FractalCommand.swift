import FractalXML
import ArgumentParser
import Fractal
import FractalADL
import Foundation
import FractalRemote
import FractalDeployment
import Logging

/// The `fractal` command: check, run, graph and export architecture descriptions.
///
/// Swift cannot load content classes by name at run time, so a program with its own
/// components builds its own `fractal` in a few lines: register them, then hand over.
///
/// ```swift
/// import FractalLauncher
/// MyComponents.register()          // registry.registerContent("my.Impl") { Impl() } …
/// await FractalCommand.launch()
/// ```
public struct FractalCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "fractal",
        abstract: "Check, run and draw Fractal architecture descriptions.",
        subcommands: [Check.self, Run.self, Graph.self, Export.self, NodeCommand.self, CertsCommand.self, SecretCommand.self, PrintDTD.self])

    public init() {}

    /// Parses the process's arguments and runs the chosen command; exits on error.
    public static func launch(_ arguments: [String]? = nil) async {
        await launchAsRoot(arguments)
    }
}

extension ParsableCommand {
    /// Parses `arguments` (the process's when nil) as this root command, runs the chosen
    /// subcommand (async ones too), and exits with its status on error.
    package static func launchAsRoot(_ arguments: [String]?) async {
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}

/// Options every command that loads an architecture takes.
struct LoadOptions: ParsableArguments {
    @Option(name: .customLong("adl-path"), help: "A folder to search for definitions (repeatable; ADL by default).")
    var adlPath: [String] = []

    @Option(name: .customLong("arg"), help: "A launch-context value, name=value (repeatable).")
    var arguments: [String] = []

    var searchPath: [String] { adlPath.isEmpty ? ["ADL"] : adlPath + ["ADL"].filter { !adlPath.contains($0) } }

    func context() throws -> [String: String] {
        var context: [String: String] = [:]
        for argument in arguments {
            guard let equals = argument.firstIndex(of: "="), equals != argument.startIndex else {
                throw ValidationError("--arg takes name=value, got '\(argument)'")
            }
            context[String(argument[..<equals])] = String(argument[argument.index(after: equals)...])
        }
        return context
    }

    /// Loads `definition`, or prints the problems and exits 1.
    func load(_ definition: String) throws -> Component {
        try instantiate(definition).component
    }

    func instantiate(_ definition: String) throws -> (component: Component, plan: ComponentPlan) {
        do {
            return try ADL.instantiate(definition, searchPath: searchPath, context: context())
        } catch let error as ADLError {
            printDiagnostics(error.diagnostics)
            throw ExitCode(1)
        }
    }
}

func printDiagnostics(_ diagnostics: [Diagnostic]) {
    for diagnostic in diagnostics {
        FileHandle.standardError.write(Data((diagnostic.description + "\n").utf8))
    }
}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check architecture descriptions; exit 1 with located errors if one is invalid.")

    @Argument(help: "Definition names (helloworld.HelloWorld) or .fractal files.")
    var targets: [String]

    @Flag(help: "Check syntax, references, extends, arguments and bindings without looking up content classes and signatures.")
    var structureOnly = false

    @OptionGroup var load: LoadOptions

    func run() throws {
        var failed = false
        for target in targets {
            let report = ADL.check(target, searchPath: load.searchPath, context: try load.context(), structureOnly: structureOnly)
            printDiagnostics(report.diagnostics)
            if !report.errors.isEmpty || report.plan == nil { failed = true }
        }
        if failed { throw ExitCode(1) }
    }
}

struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Instantiate and start a definition; call its Runnable interface if it has one, else run until SIGINT or SIGTERM.")

    @Argument(help: "The definition to run.")
    var definition: String

    @Option(help: "A deployment descriptor mapping the definition's virtual nodes to nodes.")
    var deployment: String?

    @Option(help: "With --deployment: listen here for nodes that join (tcp://0.0.0.0:7000).")
    var listen: String?

    @OptionGroup var tls: TLSOptions

    @OptionGroup var secrets: SecretOptions

    @Option(help: "With --deployment: this coordinator's node name (by default the name --cert is for, else 'launcher').")
    var name: String?

    @Option(help: "With --deployment: seconds a call to another node waits for its reply.")
    var callDeadline: Double = 30

    @Option(help: "With --deployment: seconds without a heartbeat before a node is declared lost.")
    var lossTimeout: Double = 3

    @OptionGroup var load: LoadOptions

    func validate() throws {
        if !(callDeadline > 0) { throw ValidationError("--call-deadline must be a number of seconds above 0") }
        if !(lossTimeout > 0) { throw ValidationError("--loss-timeout must be a number of seconds above 0") }
    }

    func run() async throws {
        // Caught from the start: a signal at any moment stops what was started, cleanly.
        let termination = TerminationSignal.install()
        if let deployment {
            try await runDeployed(deployment, termination: termination)
            return
        }
        let (component, plan) = try load.instantiate(definition)
        do {
            try await component.lifeCycleController.start()
        } catch let error as FractalError {
            // Say where in the architecture files the unbound interface is declared.
            printDiagnostics([Diagnostic(.error, at: ADL.locate(error, in: plan), error.description)])
            throw ExitCode(1)
        }
        let failed = await runOrWait(component, termination: termination)
        try await component.lifeCycleController.stop()
        if failed { throw ExitCode(1) }
    }

    /// Calls the Runnable interface, if any, else waits for a termination signal. True on failure.
    private func runOrWait(_ component: Component, termination: TerminationSignal) async -> Bool {
        if let runnable = component.interfaces.first(where: {
            $0.type.role == .server && component.registry.isSubsignature($0.type.signature, of: RunnableProxy.signatureName)
        }) {
            // Whichever ends first: the run, or a signal (then the run is abandoned, and the
            // caller stops everything).
            let outcome = Resumer<Bool>()
            let running = Task {
                do {
                    try await runnable.callable(as: (any Runnable).self).run()
                    outcome.succeed(false)
                } catch {
                    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                    outcome.succeed(true)
                }
            }
            let watching = Task {
                await termination.wait()
                FileHandle.standardError.write(Data("interrupted; stopping\n".utf8))
                outcome.succeed(true)
            }
            let failed = (try? await outcome.value()) ?? true
            running.cancel()
            watching.cancel()
            return failed
        } else {
            FileHandle.standardError.write(Data("\(component.name) started; stop with Ctrl-C\n".utf8))
            await termination.wait()
        }
        return false
    }

    private func runDeployed(_ path: String, termination: TerminationSignal) async throws {
        let descriptor: DeploymentDescriptor
        let plan: ComponentPlan
        do {
            descriptor = try DeploymentDescriptor.read(path)
            plan = try ADL.resolve(definition, searchPath: load.searchPath, context: load.context())
        } catch let error as ADLError {
            printDiagnostics(error.diagnostics)
            throw ExitCode(1)
        }
        var peerOptions = PeerOptions(lossTimeout: lossTimeout)
        peerOptions.callDeadline = .milliseconds(Int64(callDeadline * 1000))
        let identity = try tls.identity()
        let certified = try identity?.nodeNames() ?? []
        let coordinatorName = name ?? certified.first ?? "launcher"
        if identity != nil && !certified.contains(coordinatorName) {
            throw ValidationError("--name \(coordinatorName), but --cert is for \(certified.map { "'\($0)'" }.joined(separator: ", ")): nodes would refuse it")
        }
        let options = Deployment.Options(name: coordinatorName, listen: try listen.map(NodeAddress.init(parsing:)), tls: identity,
                                          tcpAuthentication: try secrets.tcpAuthentication(listen: listen, reaching: descriptor),
                                          peerOptions: peerOptions, logger: Logger.launcher("fractal.deployment"))
        var failed = false
        do {
            // Deployment.launch logs where each component went.
            let deployment = try await Deployment.launch(plan, on: descriptor, options: options)
            do {
                try await deployment.start()
                failed = await runOrWait(deployment.top, termination: termination)
            } catch {
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                failed = true
            }
            // Whatever happened, nothing stays on the nodes.
            await deployment.shutdown()
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            failed = true
        }
        if failed { throw ExitCode(1) }
    }
}

struct Graph: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the instantiated architecture as Graphviz DOT.")

    @Argument var definition: String

    @Option(help: "A deployment descriptor: label each component with the node it would run on.")
    var deployment: String?

    @OptionGroup var load: LoadOptions

    func run() throws {
        let (component, plan) = try load.instantiate(definition)
        var placement: [String: String] = [:]
        if let deployment {
            do {
                let descriptor = try DeploymentDescriptor.read(deployment)
                func walk(_ plan: ComponentPlan, path: String, inherited: String?) {
                    let node = plan.virtualNode.flatMap { descriptor.virtualNodes[$0]?.nodeName } ?? inherited
                    if let node { placement[path] = node }
                    for case .plan(let child) in plan.children { walk(child, path: path + "/" + child.name, inherited: node) }
                }
                walk(plan, path: "/" + plan.name, inherited: nil)
            } catch let error as ADLError {
                printDiagnostics(error.diagnostics)
                throw ExitCode(1)
            }
        }
        print(DOTExporter.dot(of: component, placement: placement), terminator: "")
    }
}

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the instantiated architecture as ADL XML.")

    @Argument var definition: String
    @OptionGroup var load: LoadOptions

    func run() throws {
        // Named as the definition it was loaded from (`helloworld.Server`), so that the file,
        // put at helloworld/Server.fractal, is found and loads under that name.
        let (component, plan) = try load.instantiate(definition)
        print(ADLExporter.xml(of: component, definitionName: plan.definition), terminator: "")
    }
}

struct PrintDTD: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "dtd", abstract: "Print the DTD architecture files are validated against.")

    func run() { print(ADLDTD.text) }
}
