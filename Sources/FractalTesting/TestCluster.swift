import Fractal
import FractalADL
import FractalDeployment
import FractalNIO
import FractalRemote
import Foundation
import Synchronization

/// Nodes for a test, an architecture deployed on them, and all of it gone at the end: in
/// memory, over TCP, or as real node processes.
///
/// ```swift
/// let registry = Registry()
/// HelloWorldComponents.register(in: registry)
/// try await TestCluster.withNodes(["n1", "n2"], mode: .inMemory, registry: registry) { cluster in
///     let app = try await cluster.deploy("DistributedHelloWorld", placement: ["clients": "n1", "servers": "n2"])
///     try await app.interface(named: "r").callable(as: (any Runnable).self).run()    // n1 calls n2
///
///     try await cluster.lose("n2")                       // the node dies, telling no one
///     try await cluster.waitUntilLost("n2")              // until the coordinator has noticed
///     // … calls to n2 now fail with RemoteError.nodeLost
/// }                                                      // everything is stopped and removed here
/// ```
///
/// The cluster has a **coordinator**, a `Node` in this process that deploys and hosts each
/// architecture's top composite (what `fractal run` is), connected to every node as
/// `Deployment` connects (reconnecting). Everything runs for real: peers, heartbeats, the
/// wire protocol, the `Deployer`; only where the nodes run changes with the ``Mode``:
///
/// - ``Mode/inMemory``: nodes in this process over a `MemoryTransport` of the cluster's own,
///   so that clusters of tests running at the same time never meet;
/// - ``Mode/tcp``: nodes in this process over TCP on 127.0.0.1 (port 0);
/// - ``Mode/processes(nodeCommand:)``: `fractal node` (or `clif node`, or your own) processes,
///   started as `fractal run` starts `<local-process>` nodes.
///
/// **Contract.** ``withNodes(_:mode:registry:options:coordinatorName:isolation:_:)`` returns
/// once every node is up and connected to the coordinator, or throws having started nothing
/// that is still running. When `body` returns or throws, or its task is cancelled, the
/// cluster stops and removes every architecture it deployed, shuts the coordinator and the
/// nodes down and stops the node processes (SIGTERM, then SIGKILL after 5 s), before
/// `withNodes` returns or rethrows. The cluster is not to be used after that (calls on it
/// throw ``TestClusterError`` `.ended`). Its methods may be called from any task.
public final class TestCluster: Sendable {
    /// Deploys, hosts the top composites, and calls into them.
    public let coordinator: Node
    public let mode: Mode
    /// Where content classes and signatures are found: by the coordinator, and by the nodes
    /// in this process (a node process has its executable's own).
    public let registry: Registry
    /// The transports the coordinator uses: what a node of the test's own needs to join the
    /// cluster's world (for ``Mode/inMemory``, the cluster's `MemoryTransport`).
    public let transports: TransportRegistry
    /// The nodes, in the order given.
    public let nodes: [TestNode]
    let processes: NodeProcesses?

    struct State {
        var deployments: [Deployer.Deployed] = []
        /// Names of the architectures deployed or being deployed.
        var names: Set<String> = []
        var lost: [String: Loss] = [:]
        /// Where ADL given as text was written.
        var folders: [URL] = []
        var ended = false
    }

    let state = Mutex(State())

    private init(coordinator: Node, mode: Mode, registry: Registry, transports: TransportRegistry, nodes: [TestNode], processes: NodeProcesses?) {
        self.coordinator = coordinator
        self.mode = mode
        self.registry = registry
        self.transports = transports
        self.nodes = nodes
        self.processes = processes
    }

    /// Starts nodes `names` and a coordinator connected to each, runs `body` with them, then
    /// removes everything, whatever happened (see the contract above).
    ///
    /// - Parameters:
    ///   - names: the nodes' names: unique, not `coordinatorName`.
    ///   - registry: for the coordinator and nodes in this process. Register the components'
    ///     signatures in it (and their content classes, for nodes in this process).
    ///   - options: the coordinator's peers' options, and those of nodes in this process. Node
    ///     processes use their command's (`fractal node --loss-timeout`). By default
    ///     ``TestCluster/defaultOptions``: a test suite's tasks share a few threads, and a node
    ///     must not be declared lost because its heartbeats waited behind other tests.
    /// - Returns: what `body` returns.
    /// - Throws: what `body` throws; ``TestClusterError`` for bad names or a missing node
    ///   command; `RemoteError` when a node cannot be started or reached.
    /// Peer options for tests: a loss timeout of 30 s (heartbeats each second). Pass shorter
    /// ones to a test that waits for a node to be declared lost by its silence.
    public static var defaultOptions: PeerOptions {
        var options = PeerOptions()
        options.heartbeatInterval = .seconds(1)
        options.lossTimeout = .seconds(30)
        return options
    }

    public static func withNodes<Result>(
        _ names: [String], mode: Mode = .inMemory, registry: Registry = .shared, options: PeerOptions = TestCluster.defaultOptions,
        coordinatorName: String = "coordinator", isolation: isolated (any Actor)? = #isolation,
        _ body: (TestCluster) async throws -> Result
    ) async throws -> Result {
        let cluster = try await start(names, mode: mode, registry: registry, options: options, coordinatorName: coordinatorName)
        let result: Result
        do {
            result = try await body(cluster)
        } catch {
            await cluster.endUncancelled()
            throw error
        }
        await cluster.endUncancelled()
        return result
    }

    /// Node `name`.
    ///
    /// - Throws: ``TestClusterError`` `.unknownNode`, naming the cluster's nodes.
    public func node(_ name: String) throws -> TestNode {
        guard let node = nodes.first(where: { $0.name == name }) else {
            throw TestClusterError(.unknownNode, node: name, "is not a node of this cluster; its nodes are \(nodes.map(\.name).joined(separator: ", "))")
        }
        return node
    }

    /// The components each node that is not lost hosts, by node name.
    public func hostedComponents() async throws -> [String: [String]] {
        let lost = state.withLock { $0.lost }
        var hosted: [String: [String]] = [:]
        for node in nodes where lost[node.name] == nil {
            hosted[node.name] = try await node.hostedComponents()
        }
        return hosted
    }

    // MARK: Starting

    private static func start(_ names: [String], mode: Mode, registry: Registry, options: PeerOptions, coordinatorName: String) async throws -> TestCluster {
        try check(names, coordinator: coordinatorName)
        let shared: any Transport
        var processes: NodeProcesses?
        var outputs: [String: NodeOutput] = [:]
        switch mode {
        case .inMemory:
            shared = MemoryTransport()
        case .tcp:
            shared = TCPTransport(authentication: .sharedSecret(.random()))
        case .processes(let command):
            try check(command)
            let secret = TCPAuthentication.sharedSecret(.random())
            shared = TCPTransport(authentication: secret)
            for name in names { outputs[name] = NodeOutput(node: name) }
            processes = NodeProcesses(nodeCommand: reportingItsProcess(command), logger: .nodeOutputs(outputs), authentication: secret)
        }
        let transports = TransportRegistry([shared])
        let coordinator = Node(name: coordinatorName, registry: registry, transports: transports, options: options)
        var nodes: [TestNode] = []
        do {
            for name in names {
                if let processes, let output = outputs[name] {
                    let address = try await processes.startLocal(name: name, tls: nil)
                    let peer = try await coordinator.connect(to: address, reconnecting: true)
                    nodes.append(TestNode(name: name, address: address, node: nil, processIdentifier: output.processIdentifier,
                                          control: try coordinator.control(of: name), peer: peer, transport: nil, printed: output))
                } else {
                    nodes.append(try await startInProcess(name, over: shared, mode: mode, registry: registry, options: options, coordinator: coordinator))
                }
            }
        } catch {
            await coordinator.shutdown()
            for node in nodes { await node.node?.shutdown() }
            await processes?.stopAll()
            throw error
        }
        return TestCluster(coordinator: coordinator, mode: mode, registry: registry, transports: transports, nodes: nodes, processes: processes)
    }

    private static func startInProcess(
        _ name: String, over shared: any Transport, mode: Mode, registry: Registry, options: PeerOptions, coordinator: Node
    ) async throws -> TestNode {
        let transport = LosableTransport(over: shared)
        let node = Node(name: name, registry: registry, transports: TransportRegistry([transport]), options: options)
        do {
            let wanted = mode == .inMemory ? NodeAddress(scheme: "mem", host: name) : NodeAddress(scheme: "tcp", host: "127.0.0.1", port: 0)
            let address = try await node.listen(at: wanted)
            let peer = try await coordinator.connect(to: address, reconnecting: true)
            return TestNode(name: name, address: address, node: node, processIdentifier: nil,
                            control: try coordinator.control(of: name), peer: peer, transport: transport, printed: nil)
        } catch {
            await node.shutdown()
            throw error
        }
    }

    private static func check(_ names: [String], coordinator: String) throws {
        if names.isEmpty { throw TestClusterError(.badNodeNames, "no node names: give at least one, [\"n1\", \"n2\"]") }
        if let empty = names.first(where: { $0.isEmpty || $0.count > 256 }) {
            throw TestClusterError(.badNodeNames, "'\(empty)' is not a node name: 1 to 256 characters")
        }
        if names.contains(coordinator) {
            throw TestClusterError(.badNodeNames, node: coordinator, "is the coordinator's name: name the nodes otherwise, or pass coordinatorName:")
        }
        var seen: Set<String> = []
        for name in names where !seen.insert(name).inserted {
            throw TestClusterError(.badNodeNames, node: name, "is named twice: node names are unique")
        }
    }

    private static func check(_ command: [String]) throws {
        guard let executable = command.first else {
            throw TestClusterError(.nodeCommandMissing, "an empty node command: give the executable and its node subcommand, [path, \"node\"]")
        }
        if executable.contains("/") && !FileManager.default.isExecutableFile(atPath: executable) {
            throw TestClusterError(.nodeCommandMissing, "\(executable) is not an executable file: build it first (swift build --build-tests builds .build/debug/fractal)")
        }
    }

    /// `command`, run by a shell that first prints its process id, then becomes the node
    /// (`exec`: the same process): the node's process id, for ``lose(_:how:)``.
    private static func reportingItsProcess(_ command: [String]) -> [String] {
        ["/bin/sh", "-c", "echo \"\(NodeOutput.processMarker) $$\"; exec \"$0\" \"$@\""] + command
    }

    // MARK: Ending

    /// Ends the cluster in a task of its own, which a cancellation of the caller's does not reach.
    private func endUncancelled() async {
        await Task { await end() }.value
    }

    /// Stops and removes every architecture deployed, shuts the coordinator and the nodes
    /// down, stops the node processes, removes the files written.
    func end() async {
        let (deployments, silent, folders) = state.withLock { state in
            state.ended = true
            defer {
                state.deployments = []
                state.folders = []
            }
            return (state.deployments, state.lost.filter { $0.value == .silence }.map(\.key), state.folders)
        }
        // A silent node would make every call to it wait out the loss timeout: it dies first.
        for node in nodes where silent.contains(node.name) { await inflict(.crash, on: node) }
        for deployed in deployments.reversed() {
            try? await deployed.stop()
            await deployed.remove()
        }
        await coordinator.shutdown()
        for node in nodes { await node.node?.shutdown() }
        await processes?.stopAll()
        for folder in folders { try? FileManager.default.removeItem(at: folder) }
    }

    /// Throws once the cluster is ending.
    func checkNotEnded() throws {
        if state.withLock({ $0.ended }) {
            throw TestClusterError(.ended, "the cluster is torn down: use it inside the closure given to withNodes only")
        }
    }
}
