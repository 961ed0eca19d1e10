import Fractal
import FractalADL
import FractalNIO
import FractalRemote
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
private func processTestKill(_ pid: Int32, _ signal: Int32) { _ = Glibc.kill(pid, signal) }
#elseif canImport(Darwin)
import Darwin
private func processTestKill(_ pid: Int32, _ signal: Int32) { _ = Darwin.kill(pid, signal) }
#endif

/// The helloworld.Service signature, as the `fractal` executable's HelloWorld components
/// register it (this test target does not link them): the coordinator here only needs its proxy.
@Interface("helloworld.Service")
protocol ProcessTestService: Sendable {
    func print(_ message: String) async throws
}

/// Real `fractal node` and `fractal run --deployment` processes, built at
/// `<package>/.build/debug/fractal` (`swift build` builds it).
@Suite(.serialized) struct NodeProcessTests {
    /// The package folder: three levels above this file.
    static let package = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let executable = package.appendingPathComponent(".build/debug/fractal")
    /// The nodes' and launchers' shared secret, and its file (mode 0600), as `--secret-file` reads it.
    static let secret = CommunitySecret.random()
    static let secretFile: String = {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fractal-secret-\(UUID().uuidString)").path
        _ = FileManager.default.createFile(atPath: path, contents: Data((secret.line + "\n").utf8), attributes: [.posixPermissions: 0o600])
        return path
    }()

    func fractal() throws -> URL {
        try #require(
            FileManager.default.isExecutableFile(atPath: Self.executable.path),
            "the fractal executable is missing at \(Self.executable.path): run `swift build` in the package first")
        return Self.executable
    }

    /// `--secret-file` with the suite's secret, unless `extra` says how to authenticate.
    static func secretArguments(unless extra: [String]) -> [String] {
        extra.contains("--insecure-tcp") || extra.contains("--secret-file") ? [] : ["--secret-file", secretFile]
    }

    /// Starts `fractal node --listen <listen> --name name [extra]` and waits for its address.
    func startNode(_ name: String, listen: String = "tcp://127.0.0.1:0", extra: [String] = []) async throws -> (process: FractalChildProcess, address: NodeAddress) {
        let process = try FractalChildProcess(
            executable: try fractal(), arguments: ["node", "--listen", listen, "--name", name] + Self.secretArguments(unless: extra) + extra,
            directory: Self.package)
        let prefix = "node \(name) listening at "
        guard let line = await process.waitForStdoutLine(timeout: .seconds(20), where: { $0.hasPrefix(prefix) }) else {
            process.kill()
            throw ProcessTestFailure("node \(name) did not announce its address within 20 s; stdout: \(process.stdout) stderr: \(process.stderr)")
        }
        let address = try NodeAddress(parsing: String(line.dropFirst(prefix.count)))
        return (process, address)
    }

    /// Runs `fractal run <definition> --deployment <descriptor> [extra]` with `descriptor` in a
    /// file of its own, and waits for it to end (60 s at most): the finished launcher, and how.
    func runDeployment(_ definition: String, descriptor: String, extra: [String] = []) async throws -> (launcher: FractalChildProcess, status: FractalChildProcess.Status?) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("fractal-deployment-\(UUID().uuidString).xml")
        defer { try? FileManager.default.removeItem(at: file) }
        try descriptor.write(to: file, atomically: true, encoding: .utf8)
        let launcher = try FractalChildProcess(
            executable: try fractal(), arguments: ["run", definition, "--deployment", file.path] + Self.secretArguments(unless: extra) + extra,
            directory: Self.package)
        let status = await launcher.waitForExit(timeout: .seconds(60))
        launcher.kill()
        return (launcher, status)
    }

    // MARK: Deploying on running nodes

    @Test func distributedHelloWorldRunsOnThreeRunningNodeProcesses() async throws {
        let names = ["pn1", "pn2", "pn3"]
        var nodes: [(name: String, process: FractalChildProcess, address: NodeAddress)] = []
        defer { for node in nodes { node.process.kill() } }
        for name in names {
            let (process, address) = try await startNode(name)
            nodes.append((name, process, address))
            #expect(address.scheme == "tcp" && address.host == "127.0.0.1" && address.port != 0, "\(name) announced \(address)")
        }

        let (launcher, status) = try await runDeployment("DistributedHelloWorld", descriptor: """
        <?xml version="1.0" encoding="UTF-8"?>
        <deployment>
          <virtual-node name="clients">
            <node name="pn1" address="\(nodes[0].address)"/>
          </virtual-node>
          <virtual-node name="servers">
            <node name="pn2" address="\(nodes[1].address)"/>
          </virtual-node>
        </deployment>
        """)
        #expect(status == .exited(0), "fractal run: \(String(describing: status)); stderr:\n\(launcher.stderr)")
        #expect(launcher.stderr.contains("client on pn1"), "stderr:\n\(launcher.stderr)")
        #expect(launcher.stderr.contains("server on pn2"), "stderr:\n\(launcher.stderr)")

        // The nodes outlive the run; on SIGTERM they stop cleanly (and flush what they printed).
        for node in nodes { node.process.signal(SIGTERM) }
        for node in nodes {
            let status = await node.process.waitForExit(timeout: .seconds(10))
            #expect(status == .exited(0), "node \(node.name) after SIGTERM: \(String(describing: status)); stderr:\n\(node.process.stderr)")
            #expect(node.process.stdout.contains("node \(node.name) stopping"), "\(node.name) stdout:\n\(node.process.stdout)")
        }
        #expect(nodes[1].process.stdout.contains("->hello world"), "the server's node printed:\n\(nodes[1].process.stdout)")
        #expect(!nodes[0].process.stdout.contains("hello world"), "the client's node printed:\n\(nodes[0].process.stdout)")
        #expect(!nodes[2].process.stdout.contains("hello world"), "the idle node printed:\n\(nodes[2].process.stdout)")
    }

    /// The whole path over TLS: `fractal certs` makes the community's CA and certificates, three
    /// `fractal node` processes listen on `tls://`, and `fractal run --deployment` places
    /// HelloWorld's client on one and a server on each of the other two.
    @Test func helloWorldRunsAcrossThreeNodeProcessesOverTLS() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fractal-tls-run-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let names = ["tn1", "tn2", "tn3"]
        let certs = try FractalChildProcess(
            executable: try fractal(), arguments: ["certs", "--out", folder.path] + names + ["tlauncher"], directory: Self.package)
        defer { certs.kill() }
        #expect(await certs.waitForExit(timeout: .seconds(60)) == .exited(0), "fractal certs: \(certs.stderr)")
        func identity(_ name: String) -> [String] {
            ["--cert", folder.appendingPathComponent("\(name).pem").path, "--key", folder.appendingPathComponent("\(name).key").path,
             "--ca", folder.appendingPathComponent("ca.pem").path]
        }

        var nodes: [(name: String, process: FractalChildProcess, address: NodeAddress)] = []
        defer { for node in nodes { node.process.kill() } }
        for name in names {
            let (process, address) = try await startNode(name, listen: "tls://127.0.0.1:0", extra: identity(name))
            nodes.append((name, process, address))
            #expect(address.scheme == "tls", "\(name) announced \(address)")
        }
        let (launcher, status) = try await runDeployment("ThreeNodeHelloWorld", descriptor: """
        <deployment>
          <virtual-node name="clients"><node name="tn1" address="\(nodes[0].address)"/></virtual-node>
          <virtual-node name="servers"><node name="tn2" address="\(nodes[1].address)"/></virtual-node>
          <virtual-node name="mirrors"><node name="tn3" address="\(nodes[2].address)"/></virtual-node>
        </deployment>
        """, extra: identity("tlauncher"))
        #expect(status == .exited(0), "fractal run: \(String(describing: status)); stderr:\n\(launcher.stderr)")
        for placed in ["client on tn1", "server on tn2", "mirror on tn3"] {
            #expect(launcher.stderr.contains(placed), "stderr:\n\(launcher.stderr)")
        }

        for node in nodes { node.process.signal(SIGTERM) }
        for node in nodes {
            let status = await node.process.waitForExit(timeout: .seconds(10))
            #expect(status == .exited(0), "node \(node.name) after SIGTERM: \(String(describing: status)); stderr:\n\(node.process.stderr)")
        }
        #expect(nodes[1].process.stdout.contains("->hello world"), "tn2 printed:\n\(nodes[1].process.stdout)")
        #expect(nodes[2].process.stdout.contains("[mirror] ->hello world"), "tn3 printed:\n\(nodes[2].process.stdout)")
        #expect(!nodes[0].process.stdout.contains("hello world"), "the client's node printed:\n\(nodes[0].process.stdout)")
        // The client's node called both servers' nodes directly, over TLS.
        #expect(nodes[0].process.stderr.isEmpty, "tn1 stderr:\n\(nodes[0].process.stderr)")
        #expect(!launcher.stderr.contains("no direct connection"), "stderr:\n\(launcher.stderr)")
    }

    /// The node at a descriptor's address must bear the descriptor's name for it.
    @Test func aNodeWhoseNameIsNotTheDescriptorsIsRefused() async throws {
        let (process, address) = try await startNode("impostor")
        defer { process.kill() }
        let (launcher, status) = try await runDeployment("DistributedHelloWorld", descriptor: """
        <deployment>
          <virtual-node name="clients"><node name="n1" address="\(address)"/></virtual-node>
          <virtual-node name="servers"><node name="n1" address="\(address)"/></virtual-node>
        </deployment>
        """)
        #expect(status == .exited(1), "fractal run: \(String(describing: status)); stderr:\n\(launcher.stderr)")
        #expect(launcher.stderr.contains("the node at \(address) is named 'impostor', not 'n1' as the deployment descriptor says"), "stderr:\n\(launcher.stderr)")
        // Nothing was deployed on it.
        #expect(!process.stdout.contains("hello world"), "stdout:\n\(process.stdout)")
    }

    /// A launcher holding another secret than the node's is refused before any frame, and the
    /// node deploys nothing; a node and a launcher both `--insecure-tcp` still work together.
    @Test func aLauncherWithAnotherSecretIsRefusedAndInsecureTCPIsOnlyForBothSides() async throws {
        let (process, address) = try await startNode("keeper")
        defer { process.kill() }
        let other = FileManager.default.temporaryDirectory.appendingPathComponent("fractal-other-secret-\(UUID().uuidString)").path
        _ = FileManager.default.createFile(atPath: other, contents: Data((CommunitySecret.random().line + "\n").utf8), attributes: [.posixPermissions: 0o600])
        defer { try? FileManager.default.removeItem(atPath: other) }
        let descriptor = """
        <deployment>
          <virtual-node name="clients"><node name="keeper" address="\(address)"/></virtual-node>
          <virtual-node name="servers"><node name="keeper" address="\(address)"/></virtual-node>
        </deployment>
        """
        let (launcher, status) = try await runDeployment("DistributedHelloWorld", descriptor: descriptor, extra: ["--secret-file", other])
        #expect(status == .exited(1), "fractal run: \(String(describing: status)); stderr:\n\(launcher.stderr)")
        #expect(launcher.stderr.contains("does not hold secret 'community'"), "stderr:\n\(launcher.stderr)")
        #expect(!process.stdout.contains("hello world"), "stdout:\n\(process.stdout)")

        let (open, openAddress) = try await startNode("open", extra: ["--insecure-tcp"])
        defer { open.kill() }
        let (insecure, insecureStatus) = try await runDeployment("DistributedHelloWorld", descriptor: """
        <deployment>
          <virtual-node name="clients"><node name="open" address="\(openAddress)"/></virtual-node>
          <virtual-node name="servers"><node name="open" address="\(openAddress)"/></virtual-node>
        </deployment>
        """, extra: ["--insecure-tcp"])
        #expect(insecureStatus == .exited(0), "fractal run: \(String(describing: insecureStatus)); stderr:\n\(insecure.stderr)")
        #expect(insecure.stderr.contains("warning: --insecure-tcp"), "stderr:\n\(insecure.stderr)")
        #expect(open.stderr.contains("warning: --insecure-tcp"), "stderr:\n\(open.stderr)")
        #expect(await open.waitForStdoutLine(timeout: .seconds(5), where: { $0.contains("hello world") }) != nil, "stdout:\n\(open.stdout)")
    }

    /// A descriptor that leaves a virtual node of the architecture unmapped is refused, located,
    /// before any node is reached (its one node's address answers nothing).
    @Test func anUnmappedVirtualNodeIsALocatedErrorBeforeAnyNodeIsReached() async throws {
        let (launcher, status) = try await runDeployment("DistributedHelloWorld", descriptor: """
        <deployment>
          <virtual-node name="clients"><node name="gone" address="tcp://127.0.0.1:1"/></virtual-node>
        </deployment>
        """)
        #expect(status == .exited(1), "fractal run: \(String(describing: status)); stderr:\n\(launcher.stderr)")
        #expect(launcher.stderr.contains("ADL/DistributedHelloWorld.fractal:8:5: error: virtual node 'servers' is not mapped by the deployment descriptor (it maps: clients)"),
                "stderr:\n\(launcher.stderr)")
        #expect(!launcher.stderr.contains("gone"), "stderr:\n\(launcher.stderr)")
    }

    /// Two virtual nodes mapped to the same node: the launcher connects to it once and both
    /// components run there, bound locally.
    @Test func twoVirtualNodesMayShareANode() async throws {
        let (process, address) = try await startNode("both")
        defer { process.kill() }
        let (launcher, status) = try await runDeployment("DistributedHelloWorld", descriptor: """
        <deployment>
          <virtual-node name="clients"><node name="both" address="\(address)"/></virtual-node>
          <virtual-node name="servers"><node name="both" address="\(address)"/></virtual-node>
        </deployment>
        """)
        #expect(status == .exited(0), "fractal run: \(String(describing: status)); stderr:\n\(launcher.stderr)")
        #expect(launcher.stderr.contains("client on both") && launcher.stderr.contains("server on both"), "stderr:\n\(launcher.stderr)")
        process.signal(SIGTERM)
        #expect(await process.waitForExit(timeout: .seconds(10)) == .exited(0))
        #expect(process.stdout.contains("->hello world"), "stdout:\n\(process.stdout)")
        #expect(process.stderr.isEmpty, "stderr:\n\(process.stderr)")
    }

    // MARK: Node processes started by the launcher

    @Test func launcherStartsAndStopsLocalNodeProcesses() async throws {
        let launcher = try FractalChildProcess(
            executable: try fractal(),
            arguments: ["run", "DistributedHelloWorld", "--deployment", "ADL/deployments/local-processes.xml"],
            directory: Self.package)
        let children = ProcessTestChildren(parent: launcher.pid)
        defer {
            launcher.kill()
            children.killSurvivors()
        }
        // Note the launcher's children while it runs, to check afterwards they are gone: on a
        // thread of its own, since the cooperative pool may be busy with other suites' tests.
        children.watch(while: { launcher.isRunning })
        let status = await launcher.waitForExit(timeout: .seconds(60))
        children.stopWatching()
        #expect(status == .exited(0), "fractal run: \(String(describing: status)); stderr:\n\(launcher.stderr)")
        #expect(launcher.stderr.contains("client on n1"), "stderr:\n\(launcher.stderr)")
        #expect(launcher.stderr.contains("[n2] ->hello world"), "stderr:\n\(launcher.stderr)")

        let seen = children.seen
        #expect(seen.count == 2, "the launcher's node processes seen while it ran: \(seen)")
        #expect(seen.values.allSatisfy { $0.contains("node --listen tcp://127.0.0.1:0 --name n") }, "\(seen)")
        let survivors = await children.survivors(after: .seconds(5))
        #expect(survivors.isEmpty, "node processes left behind by the launcher: \(survivors)")
    }

    // MARK: A node that dies mid-call

    @Test func aNodeKilledMidCallFailsEveryPendingCallWithARemoteError() async throws {
        let (process, address) = try await startNode("victim")
        defer { process.kill() }

        let (coordinator, peer, control) = try await Self.coordinate(address, as: "executioner")
        #expect(peer.remoteName == "victim")
        let registry = coordinator.registry
        let plan = Self.serverPlan
        _ = try await control.instantiate(plan, path: "/victim/server")
        try await control.setAttribute("/victim/server", name: "header", value: ">>")
        try await control.setAttribute("/victim/server", name: "count", value: "100000000")
        try await control.start("/victim/server")
        #expect(try await control.info().components.contains("/victim/server"))

        // Stop draining the node's standard output: the next `print` fills the pipe and blocks
        // there, so it is certainly in flight when the node dies.
        process.stopReadingStdout()
        let service = try remoteProxy((any ProcessTestService).self, exportedAs: "/victim/server#s", over: peer, registry: registry)
        let blockedDone = ProcessTestFlag()
        let blocked = Task {
            defer { blockedDone.set() }
            try await service.print("x")
        }
        // Several callers keep `info()` calls in flight until the node is gone.
        let stop = ProcessTestFlag()
        let callers = (0..<8).map { _ in
            Task { () -> (successes: Int, error: (any Error)?) in
                var successes = 0
                while !stop.isSet {
                    do {
                        _ = try await control.info()
                        successes += 1
                    } catch {
                        return (successes, error)
                    }
                }
                return (successes, nil)
            }
        }
        try await Task.sleep(for: .milliseconds(500))
        #expect(!blockedDone.isSet, "the print call should still be blocked on the full pipe")
        #expect(peer.isConnected)

        process.signal(SIGKILL)
        let killed = await process.waitForExit(timeout: .seconds(5))
        #expect(killed == .signalled(SIGKILL), "\(String(describing: killed))")

        let bound: Duration = .seconds(3)
        let outcome = await TCPTestTimeout.run(within: bound) { try await blocked.value }
        Self.expectNodeGone(outcome, "the print call in flight")
        for (index, caller) in callers.enumerated() {
            let result = await TCPTestTimeout.run(within: bound) { await caller.value }
            switch result {
            case .timedOut:
                Issue.record("info() caller \(index) still waiting \(bound) after the kill")
            case .failed(let error):
                Issue.record("info() caller \(index): \(error)")
            case .value(let (successes, error)):
                #expect(successes > 0, "caller \(index) made calls before the kill")
                if let error {
                    Self.expectNodeGone(TCPTestOutcome<Void>.failed(error), "info() caller \(index)")
                } else {
                    Issue.record("info() caller \(index) stopped without an error")
                }
            }
        }
        stop.set()

        // A call made after the loss fails at once, typed.
        let after = await TCPTestTimeout.run(within: bound) { try await control.info() }
        Self.expectNodeGone(after, "a call after the kill")
        #expect(!peer.isConnected)
        #expect(coordinator.peer(named: "victim") == nil)
        await coordinator.shutdown()
    }

    static func expectNodeGone<Value>(_ outcome: TCPTestOutcome<Value>, _ what: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        switch outcome {
        case .timedOut:
            Issue.record("\(what) still waited 3 s after the node was killed", sourceLocation: sourceLocation)
        case .value(let value):
            Issue.record("\(what) returned \(value) although its node was killed", sourceLocation: sourceLocation)
        case .failed(let error):
            guard let remote = error as? RemoteError else {
                Issue.record("\(what) failed with \(type(of: error)), not a RemoteError: \(error)", sourceLocation: sourceLocation)
                return
            }
            #expect([.nodeLost, .connectionClosed].contains(remote.kind), "\(what): \(remote.kind) \(remote)", sourceLocation: sourceLocation)
        }
    }

    /// A launcher may stop a node as soon as it has read its address: the signal is not fatal
    /// and not lost (the node exits 0, within a bounded wait).
    @Test func aNodeStoppedAsSoonAsItAnnouncesItsAddressExitsZero() async throws {
        for attempt in 0..<5 {
            let (process, _) = try await startNode("prompt\(attempt)")
            defer { process.kill() }
            process.signal(SIGTERM)
            let status = await process.waitForExit(timeout: .seconds(10))
            #expect(status == .exited(0), "attempt \(attempt): \(String(describing: status)); stderr:\n\(process.stderr)")
        }
    }

    /// SIGTERM is a graceful stop: the node stops what it hosts, says goodbye to the
    /// coordinator (which sees the connection closed, not a lost node) and exits 0.
    @Test func aNodeStopsGracefullyOnSIGTERM() async throws {
        let (process, address) = try await startNode("gentle")
        defer { process.kill() }
        let (coordinator, peer, control) = try await Self.coordinate(address, as: "terminator")
        _ = try await control.instantiate(Self.serverPlan, path: "/gentle/server")
        try await control.start("/gentle/server")

        process.signal(SIGTERM)
        let status = await process.waitForExit(timeout: .seconds(10))
        #expect(status == .exited(0), "\(String(describing: status)); stderr:\n\(process.stderr)")
        #expect(process.stdout.contains("node gentle stopping"), "stdout:\n\(process.stdout)")
        await peer.closed()
        let failure = try #require(peer.failure)
        #expect(failure.kind == .connectionClosed, "\(failure)")
        #expect(failure.message.contains("node gentle shutting down"), "\(failure)")
        await coordinator.shutdown()
    }

    /// A node that dies and is started again at the same address is reconnected by a
    /// coordinator that connected with `reconnecting: true`: calls by its name work again.
    @Test func aRestartedNodeIsReconnected() async throws {
        let (first, address) = try await startNode("phoenix")
        defer { first.kill() }
        let (coordinator, peer, _) = try await Self.coordinate(address, as: "watcher", reconnecting: true)
        first.signal(SIGKILL)
        _ = await first.waitForExit(timeout: .seconds(5))
        await peer.closed()
        do {
            _ = try await coordinator.control(of: "phoenix").info()
            Issue.record("a call to a dead node returned")
        } catch let error as RemoteError {
            #expect(error.kind == .nodeLost, "\(error)")
        }

        let (second, _) = try await startNode("phoenix", listen: address.description)
        defer { second.kill() }
        let clock = ContinuousClock()
        let giveUp = clock.now + .seconds(20)
        while coordinator.peer(named: "phoenix") == nil && clock.now < giveUp {
            try await Task.sleep(for: .milliseconds(50))
        }
        let info = try await coordinator.control(of: "phoenix").info()
        #expect(info.name == "phoenix")
        #expect(info.components.isEmpty)
        await coordinator.shutdown()
    }

    static let serverPlan: ComponentPlan = {
        let here = SourceLocation(file: "test", line: 1, column: 1)
        return ComponentPlan(
            name: "server", location: here,
            interfaces: [.init(type: InterfaceType(name: "s", signature: "helloworld.Service", role: .server), location: here)],
            contentClass: "helloworld.ServerImpl")
    }()

    /// A coordinator in this process, connected to the node at `address`.
    static func coordinate(_ address: NodeAddress, as name: String, reconnecting: Bool = false) async throws -> (Node, Peer, any NodeControl) {
        let registry = Registry()
        registry.register(ProcessTestServiceProxy.self)
        var options = PeerOptions()
        options.heartbeatInterval = .milliseconds(100)
        options.lossTimeout = .seconds(1)
        let coordinator = Node(name: name, registry: registry, transports: TransportRegistry([TCPTransport(authentication: .sharedSecret(secret))]), options: options)
        let peer = try await coordinator.connect(to: address, reconnecting: reconnecting)
        return (coordinator, peer, try coordinator.control(of: peer))
    }

    // MARK: Usage

    @Test func aNodeWithoutListenOrJoinExitsWithAUsageMessage() async throws {
        let process = try FractalChildProcess(executable: try fractal(), arguments: ["node", "--name", "lost"], directory: Self.package)
        defer { process.kill() }
        let status = await process.waitForExit(timeout: .seconds(20))
        guard case .exited(let code) = status else {
            Issue.record("fractal node without an address: \(String(describing: status))")
            return
        }
        #expect(code != 0)
        #expect(process.stderr.contains("--listen"), "stderr:\n\(process.stderr)")
        #expect(process.stderr.contains("Usage:"), "stderr:\n\(process.stderr)")
        #expect(!process.stdout.contains("listening at"))
    }
}

struct ProcessTestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A flag set once, read from any task.
final class ProcessTestFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}

/// A child process whose standard output and error are collected as they come.
final class FractalChildProcess: @unchecked Sendable {
    enum Status: Equatable, Sendable {
        case exited(Int32)
        case signalled(Int32)
    }

    private let process = Process()
    private let output = Pipe()
    private let errors = Pipe()
    private let lock = NSLock()
    private var outData = Data()
    private var errData = Data()
    private var outEnded = false
    private var errEnded = false
    private var stdoutIgnored = false

    init(executable: URL, arguments: [String], directory: URL) throws {
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Blocking reads on threads of their own: a readabilityHandler's teardown races the
        // pipe's close in libdispatch on Linux and can crash the whole test process.
        read(output.fileHandleForReading) { process, data in
            if data.isEmpty { process.outEnded = true } else { process.outData.append(data) }
            return !process.stdoutIgnored
        }
        read(errors.fileHandleForReading) { process, data in
            if data.isEmpty { process.errEnded = true } else { process.errData.append(data) }
            return true
        }
    }

    /// Reads `handle` until its end, or until `deliver` says to stop (then what the process
    /// writes stays in the pipe).
    private func read(_ handle: FileHandle, _ deliver: @escaping @Sendable (FractalChildProcess, Data) -> Bool) {
        Thread { [weak self] in
            while true {
                let data = handle.availableData
                guard let self else { return }
                let goOn = self.lock.withLock { deliver(self, data) }
                if data.isEmpty || !goOn { return }
            }
        }.start()
    }

    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }
    var stdout: String { lock.withLock { String(decoding: outData, as: UTF8.self) } }
    var stderr: String { lock.withLock { String(decoding: errData, as: UTF8.self) } }

    /// Leaves what the process writes to standard output in the pipe from now on.
    func stopReadingStdout() {
        lock.withLock { stdoutIgnored = true }
    }

    func signal(_ number: Int32) {
        if process.isRunning { processTestKill(process.processIdentifier, number) }
    }

    /// SIGKILL if still running; safe in every path.
    func kill() {
        signal(SIGKILL)
    }

    /// The first line of standard output satisfying `predicate`, or nil after `timeout`.
    func waitForStdoutLine(timeout: Duration, where predicate: (String) -> Bool) async -> String? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let text = stdout
            if let line = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init).first(where: predicate),
               text.contains(line + "\n") {
                return line
            }
            if !process.isRunning && lock.withLock({ outEnded }) { return nil }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    /// How the process ended, once it has and its output is read to the end; nil after `timeout`.
    func waitForExit(timeout: Duration) async -> Status? {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            guard ContinuousClock.now < deadline else { return nil }
            try? await Task.sleep(for: .milliseconds(20))
        }
        // Let the reading handlers collect what is left in the pipes (bounded: a grandchild may hold them).
        let drained = ContinuousClock.now + .seconds(2)
        while ContinuousClock.now < drained, !lock.withLock({ errEnded && (outEnded || stdoutIgnored) }) {
            try? await Task.sleep(for: .milliseconds(20))
        }
        switch process.terminationReason {
        case .exit: return .exited(process.terminationStatus)
        case .uncaughtSignal: return .signalled(process.terminationStatus)
        @unknown default: return .exited(process.terminationStatus)
        }
    }

    deinit {
        if process.isRunning { processTestKill(process.processIdentifier, SIGKILL) }
    }
}

/// The child processes of one process, seen through /proc while it runs.
final class ProcessTestChildren: @unchecked Sendable {
    let parent: Int32
    private let lock = NSLock()
    private var found: [Int32: String] = [:]

    init(parent: Int32) { self.parent = parent }

    /// Child pid → command line.
    var seen: [Int32: String] { lock.withLock { found } }

    private var watching = false
    private var watcherDone: Thread?
    private let finished = DispatchSemaphore(value: 0)

    /// Scans every millisecond or so on a dedicated thread while `condition` holds.
    func watch(while condition: @escaping @Sendable () -> Bool) {
        lock.withLock { watching = true }
        let thread = Thread { [self] in
            while lock.withLock({ watching }) && condition() {
                scan()
                usleep(1_000)
            }
            scan()
            finished.signal()
        }
        thread.start()
        lock.withLock { watcherDone = thread }
    }

    /// Stops the watching thread and waits for its last scan (bounded).
    func stopWatching() {
        let started = lock.withLock { () -> Bool in
            watching = false
            return watcherDone != nil
        }
        if started { _ = finished.wait(timeout: .now() + 5) }
    }

    /// Notes the current children, from each thread's `children` list (or, without it, from
    /// every process's parent), with their latest command line (a child is briefly a copy of
    /// its parent before it runs its own program).
    func scan() {
        var pids: [Int32] = []
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(parent)/task")) ?? []
        var listed = false
        for task in tasks {
            guard let text = try? String(contentsOfFile: "/proc/\(parent)/task/\(task)/children", encoding: .utf8) else { continue }
            listed = true
            pids += text.split(separator: " ").compactMap { Int32($0) }
        }
        if !listed {
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
            pids = entries.compactMap { Int32($0) }.filter { Self.stat($0)?.parent == parent }
        }
        for pid in pids {
            let command = Self.commandLine(pid)
            guard !command.isEmpty, Self.stat(pid)?.parent == parent else { continue }
            lock.withLock { found[pid] = command }
        }
    }

    /// The seen children still alive (not gone, not zombies) after waiting up to `timeout`.
    func survivors(after timeout: Duration) async -> [Int32: String] {
        let deadline = ContinuousClock.now + timeout
        while true {
            let alive = seen.filter { Self.isAlive($0.key, command: $0.value) }
            if alive.isEmpty || ContinuousClock.now >= deadline { return alive }
            try? await Task.sleep(for: .milliseconds(50))
        }
    }

    func killSurvivors() {
        for (pid, command) in seen where Self.isAlive(pid, command: command) {
            processTestKill(pid, SIGKILL)
        }
    }

    /// Alive, and still the same program (a recycled pid runs something else).
    static func isAlive(_ pid: Int32, command: String) -> Bool {
        guard let stat = stat(pid), stat.state != "Z" else { return false }
        return commandLine(pid) == command
    }

    static func stat(_ pid: Int32) -> (state: Character, parent: Int32)? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count >= 2, let state = fields[0].first, let parent = Int32(fields[1]) else { return nil }
        return (state, parent)
    }

    static func commandLine(_ pid: Int32) -> String {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return "" }
        return String(decoding: data, as: UTF8.self).split(separator: "\0").joined(separator: " ")
    }
}
