import ArgumentParser
import ClifCore
import ClifHTTP
import ClifReports
import ClifScenario
import FractalLauncher
import Foundation
import NIOCore
import NIOPosix

/// `clif run SCENARIO.xis`: one injector in this process, a live line every second, CLIF's quick
/// statistics at the end, and the action events as a CLIF report directory.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run a scenario in this process, or a test plan's blades on the nodes of a deployment.",
        discussion: """
        Examples:
          clif run scenarios/browse.xis --users 20 --duration 30s --report report
          clif run plans/two-injectors.ctp --deployment deployments/two-nodes.xml --report report
          clif run my.tests.Shop --adl-path adl --deployment deployments/two-nodes.xml     (a test written in ADL)
        A test plan's blades whose server is `local host` run in this process; the others on the node \
        the deployment maps their server (a virtual node) to.
        """)

    @Argument(help: "The scenario file (.xis), a CLIF test plan (.ctp), or a test architecture (a .fractal file or a definition name whose top serves control: clif.TestControl).") var scenario: String

    @Option(help: "With a test plan: a deployment descriptor mapping its servers (virtual nodes) to nodes.")
    var deployment: String?

    @Option(name: .customLong("adl-path"), help: "With a test plan: a folder to search for architecture definitions (repeatable; ADL by default).")
    var adlPath: [String] = []

    @Option(help: "Stop the load after this long (30s, 500ms, 2m). With --rate or --users: the length of that profile (default 30s).")
    var duration: DurationArgument?

    @Option(help: "Open model: this many arrivals per second, each an iteration of the behaviour on an idle session.")
    var rate: Double?

    @Option(help: "Closed model: this many sessions throughout, in place of the scenario's load profile.")
    var users: Int?

    @Option(help: "The behaviour --rate or --users runs (default: the first).")
    var behavior: String?

    @Option(help: "Open model: at most this many sessions at once; an arrival that finds none free is dropped and counted.")
    var maxSessions: Int = 10_000

    @Flag(help: "Open model: every arrival is a new session (a new connection), not an iteration of an idle one.")
    var newSessionPerArrival = false

    @Option(help: "Write a CLIF report directory here (the action events, lifecycle, alarms).")
    var report: String?

    @Option(help: "Event-loop threads (default: one per core this process may use).")
    var threads: Int?

    @Option(help: "Seed of the sessions' random numbers.")
    var seed: UInt64 = 1

    @Flag(help: "No live line; only the quick statistics at the end.")
    var quiet = false

    @OptionGroup var reportOutputs: ReportOutputOptions

    @OptionGroup var shardOptions: ShardOptions

    @OptionGroup var secrets: SecretOptions

    @Option(name: .customLong("on-injector-loss"), help: ArgumentHelp("With a test plan: when an injector's node is lost, continue with the others, or rebalance: the injectors left that run the same scenario take its share of the load.", valueName: "continue|rebalance"))
    var onInjectorLoss = "continue"

    @Option(help: ArgumentHelp("With a test plan: serve the live figures for Prometheus at http://ADDRESS/metrics while the test runs (127.0.0.1:9464).", valueName: "address"))
    var metrics: String?

    func validate() throws {
        if rate != nil && users != nil { throw ValidationError("give --rate (open model) or --users (closed model), not both") }
        if let rate, !(rate > 0) { throw ValidationError("--rate must be above 0") }
        if let users, users < 1 { throw ValidationError("--users must be at least 1") }
        if maxSessions < 1 { throw ValidationError("--max-sessions must be at least 1") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        if !["continue", "rebalance"].contains(onInjectorLoss) { throw ValidationError("--on-injector-loss takes continue or rebalance, not '\(onInjectorLoss)'") }
        if let metrics, MetricsEndpoint.address(metrics) == nil { throw ValidationError("--metrics takes HOST:PORT (127.0.0.1:9464), not '\(metrics)'") }
    }

    /// What to do with the finished run's report.
    func outputs(printsTable: Bool) throws -> ReportOutputs {
        try reportOutputs.outputs(printsTable: printsTable)
    }

    func run() async throws {
        if !PlanRun.isArchitecture(scenario) || scenario.hasSuffix(".fractal") { try requireFile(scenario) }
        if scenario.hasSuffix(".ctp") || PlanRun.isArchitecture(scenario) {
            try await PlanRun(planPath: scenario, deploymentPath: deployment, duration: duration?.seconds, reportDirectory: report ?? "report",
                              quiet: quiet, searchPath: adlPath + PlanRun.defaultSearchPath(), outputs: outputs(printsTable: true),
                              metrics: metrics.flatMap(MetricsEndpoint.address), shards: shardOptions, onInjectorLoss: onInjectorLoss,
                              secrets: secrets).run()
            return
        }
        if deployment != nil { throw ValidationError("--deployment places the blades of a test plan (.ctp); a scenario runs in this process") }
        if shardOptions.shards != nil { throw ValidationError("--shards stores a test plan's results; with a scenario, give a test plan of one blade") }
        if metrics != nil { throw ValidationError("--metrics serves a test plan's live figures; with a scenario, give a test plan of one blade") }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: threads ?? System.coreCount)
        do {
            try await run(on: group)
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
        try? await group.shutdownGracefully()
    }

    private func run(on group: MultiThreadedEventLoopGroup) async throws {
        // Thresholds and report files are computed from the run's events: without --report
        // they go to a scratch report directory.
        let wanted = try outputs(printsTable: false)
        let scratch = report == nil && !wanted.isEmpty ? NSTemporaryDirectory() + "clif-run-\(UUID().uuidString)" : nil
        defer { if let scratch { try? FileManager.default.removeItem(atPath: scratch) } }
        let report = report ?? scratch
        let plugins = Plugins.registry(group: group)
        let compiled: CompiledScenario
        do {
            compiled = try ISAC.compile(file: scenario, plugins: plugins)
        } catch {
            for diagnostic in error.diagnostics { printError(diagnostic.description) }
            throw ExitCode(ExitStatus.dataError)
        }
        for warning in compiled.warnings { printError(warning.description) }

        let behaviour = behavior ?? compiled.behaviorIDs.first ?? ""
        guard let requested = LoadProfile.requested(
            behavior: behaviour, users: users, rate: rate, duration: duration?.seconds, groups: compiled.scenario.groups,
            maxSessions: maxSessions, reuseSessions: !newSessionPerArrival) else {
            printError("clif: \(scenario) has no load profile: give --users N or --rate R (and --duration)")
            throw ExitCode(ExitStatus.usage)
        }
        let (profile, timeLimit) = requested

        if rate != nil, let steps = compiled.scenario.behaviors.first(where: { $0.id == behaviour })?.steps,
           steps.contains(where: { step in
               if case .whileLoop(let condition, _) = step {
                   return condition.name == "true" && compiled.scenario.plugins.first { $0.id == condition.use }?.plugin == "Common"
               }
               return false
           }) {
            printError("clif: warning: behaviour '\(behaviour)' loops forever (while common.true): with --rate each arrival runs one iteration of the behaviour, so its sessions never come free; write the behaviour without the loop")
        }

        let engine: LoadEngine
        do {
            engine = try LoadEngine(scenario: compiled, profile: profile, clock: EventLoopClock(fallback: group.next()),
                                    options: EngineOptions(seed: seed, executors: HTTPInjectorPlugin.executors(of: group), timeLimit: timeLimit, keepsEvents: report != nil))
        } catch {
            for diagnostic in error.diagnostics { printError(diagnostic.description) }
            throw ExitCode(ExitStatus.dataError)
        }

        let writer: ReportDirectory?
        if let report {
            do {
                let name = URL(fileURLWithPath: scenario).deletingPathExtension().lastPathComponent
                writer = try ReportDirectory(in: report, testName: name, bladeID: "injector", testPlan: Self.testPlan(scenario: scenario),
                                             server: ["host": ProcessInfo.processInfo.hostName, "cores": String(System.coreCount),
                                                      "os": "Linux", "clif.version": "swift-fractal"])
                try writer?.append(.initializing, at: 0)
                try writer?.append(.initialized, at: 0)
                try writer?.append(.starting, at: 0)
                try writer?.append(.running, at: 0)
            } catch {
                printError("clif: \(error)")
                throw ExitCode(ExitStatus.cannotCreate)
            }
        } else {
            writer = nil
        }

        let interrupted = InterruptFlag()
        let signal = Interrupt.onSIGINT {
            interrupted.set()
            engine.stop()
        }
        defer { signal.cancel() }

        let total = timeLimit.map { min($0, profile.duration) } ?? profile.duration
        let live = LiveLine(engine: engine, total: total, quiet: quiet, writer: writer)
        let progress = Task { await live.run() }
        let started = Date()
        let statistics = await engine.run()
        progress.cancel()
        _ = await progress.value
        live.finish()

        var failedWrite: (any Error)?
        if let writer {
            do {
                try writer.append(engine.recorder.drainEvents())
                try writer.append(engine.recorder.drainAlarms())
                try writer.append(interrupted.isSet ? .stopped : .completed, at: Int64(statistics.elapsed * 1000))
            } catch { failedWrite = error }
            writer.close()
        }
        let stats = QuickStats(statistics)
        print(stats.table)
        if let writer, scratch == nil {
            print("report: \(writer.runFolder)")
            HistogramFiles.write(beside: writer.runFolder, statistics.intervals, start: started, intervalLength: 1)
        }
        if let failedWrite {
            printError("clif: \(failedWrite)")
            throw ExitCode(ExitStatus.cannotCreate)
        }
        if interrupted.isSet { throw ExitCode(ExitStatus.interrupted) }
        let outputs = try outputs(printsTable: false)
        if let writer, !outputs.isEmpty { try outputs.present(runFolder: writer.runFolder) }
    }

    /// The test plan CLIF would have: one injector blade on the local host.
    static func testPlan(scenario: String) -> String {
        let escaped = scenario.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: ":", with: "\\:").replacingOccurrences(of: "=", with: "\\=")
        return """
        #CLIF test plan
        #\(Date())
        blade.0.id=injector
        blade.0.server=local host
        blade.0.injector=IsacRunner
        blade.0.argument=\(escaped)
        blade.0.comment=

        """
    }
}
