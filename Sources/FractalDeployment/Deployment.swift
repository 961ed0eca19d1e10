import Fractal
import FractalADL
import FractalNIO
import FractalRemote
import Foundation
import Logging

/// An architecture deployed on nodes, from a plan and a deployment descriptor: the nodes
/// reached or started, the virtual nodes mapped, the components instantiated and bound.
///
/// ```swift
/// let deployment = try await Deployment.launch(plan, on: descriptor, options: .init(name: "launcher"))
/// try await deployment.start()
/// …                                   // call deployment.top's interfaces
/// await deployment.shutdown()         // stops and removes everything, on every node
/// ```
/// ``launch(_:on:options:)`` cleans up after itself when it fails; after it returns, the caller
/// owns the deployment and must call ``shutdown()`` (or use ``run(_:on:options:_:)``, which
/// does it whatever happens, cancellation included).
public final class Deployment: Sendable {
    /// How to reach and start nodes.
    public struct Options: Sendable {
        /// The coordinator's node name (the launcher's).
        public var name: String
        /// Where the coordinator listens for nodes that join, if anywhere.
        public var listen: NodeAddress?
        /// The coordinator's TLS identity; local node processes then use `<name>.pem` and
        /// `<name>.key` beside its certificate.
        public var tls: TLSIdentity?
        public var peerOptions: PeerOptions
        /// The command that runs a node daemon, without `--listen` and `--name`: this
        /// executable's `node` subcommand by default.
        public var nodeCommand: [String]
        /// How long a node that is not up yet (`<node>`, `<ssh>`) or that must join is waited for.
        public var nodeTimeout: Duration
        public var logger: Logger
        /// How `tcp://` connections are authenticated: by default a secret made for this
        /// deployment, which the node processes it starts get too (nodes started by others,
        /// `<node>` and `<ssh>`, need the community's secret, given here).
        public var tcpAuthentication: TCPAuthentication

        public init(name: String = "launcher", listen: NodeAddress? = nil, tls: TLSIdentity? = nil,
                    tcpAuthentication: TCPAuthentication = .sharedSecret(.random()), peerOptions: PeerOptions = PeerOptions(),
                    nodeCommand: [String] = ["/proc/self/exe", "node"], nodeTimeout: Duration = .seconds(60),
                    logger: Logger = Logger(label: "fractal.deployment")) {
            self.name = name
            self.listen = listen
            self.tls = tls
            self.tcpAuthentication = tcpAuthentication
            self.peerOptions = peerOptions
            self.nodeCommand = nodeCommand
            self.nodeTimeout = nodeTimeout
            self.logger = logger
        }
    }

    public let coordinator: Node
    public let deployed: Deployer.Deployed
    /// Virtual node → the node it was mapped to.
    public let nodes: [String: String]
    private let processes: NodeProcesses
    private let logger: Logger

    /// The top component, on the coordinator.
    public var top: Component { deployed.top }
    /// Sub-component name → the node it runs on.
    public var placement: [String: String] { deployed.placement }

    private init(coordinator: Node, deployed: Deployer.Deployed, nodes: [String: String], processes: NodeProcesses, logger: Logger) {
        self.coordinator = coordinator
        self.deployed = deployed
        self.nodes = nodes
        self.processes = processes
        self.logger = logger
    }

    /// Reaches or starts the nodes of `descriptor`, then deploys `plan` on them (stopped).
    ///
    /// - Throws: ``RemoteError`` naming the node, ``FractalError`` naming the component, or
    ///   ``ADLError``; nothing stays on any node and no process started is left running.
    public static func launch(_ plan: ComponentPlan, on descriptor: DeploymentDescriptor, options: Options = Options()) async throws -> Deployment {
        // An empty descriptor (no file) runs everything here.
        if !descriptor.virtualNodes.isEmpty {
            let problems = descriptor.problems(deploying: plan)
            if !problems.isEmpty { throw ADLError(problems) }
        }
        var peerOptions = options.peerOptions
        peerOptions.logger = options.logger
        let coordinator = Node(name: options.name, transports: try transports(options.tls, tcp: options.tcpAuthentication), options: peerOptions)
        let processes = NodeProcesses(nodeCommand: options.nodeCommand, logger: options.logger, authentication: options.tcpAuthentication)
        do {
            if let listen = options.listen {
                let bound = try await coordinator.listen(at: listen)
                options.logger.notice("coordinator \(options.name) listening at \(bound)")
            }
            var peers: [String: Peer] = [:]
            // Several virtual nodes may share a node: it is reached (or started) once.
            var reached: [DeploymentDescriptor.Target: Peer] = [:]
            for (virtualNode, target) in descriptor.virtualNodes.sorted(by: { $0.key < $1.key }) {
                if reached[target] == nil {
                    reached[target] = try await reach(target, from: coordinator, processes: processes, options: options)
                }
                peers[virtualNode] = reached[target]
            }
            let deployed = try await Deployer(coordinator: coordinator).deploy(plan, nodes: peers)
            for (component, node) in deployed.placement.sorted(by: { $0.key < $1.key }) {
                options.logger.info("\(component) on \(node)")
            }
            return Deployment(coordinator: coordinator, deployed: deployed, nodes: peers.mapValues(\.remoteName), processes: processes, logger: options.logger)
        } catch {
            await coordinator.shutdown()
            await processes.stopAll()
            throw error
        }
    }

    /// Deploys, starts, runs `body`, then stops and removes everything whatever happened
    /// (an error, a cancellation).
    public static func run<Result: Sendable>(_ plan: ComponentPlan, on descriptor: DeploymentDescriptor, options: Options = Options(),
                                             _ body: (Deployment) async throws -> Result) async throws -> Result {
        let deployment = try await launch(plan, on: descriptor, options: options)
        do {
            try await deployment.start()
            let result = try await body(deployment)
            await deployment.shutdown()
            return result
        } catch {
            await deployment.shutdown()
            throw error
        }
    }

    public func start() async throws { try await deployed.start() }

    /// Stops the architecture, removes what is on other nodes, closes the coordinator's
    /// connections and stops the node processes it started. Safe to call more than once.
    public func shutdown() async {
        do { try await deployed.stop() } catch { logger.warning("stopping the architecture: \(error)") }
        await deployed.remove()
        await coordinator.shutdown()
        await processes.stopAll()
    }

    static func transports(_ identity: TLSIdentity?, tcp: TCPAuthentication) throws -> TransportRegistry {
        var registry = TransportRegistry([TCPTransport(authentication: tcp), MemoryTransport()])
        if let identity { registry.register(try TCPTransport(tls: identity)) }
        return registry
    }

    private static func reach(_ target: DeploymentDescriptor.Target, from coordinator: Node, processes: NodeProcesses, options: Options) async throws -> Peer {
        let peer: Peer
        let address: String
        switch target {
        case .node(let name, let at):
            (peer, address) = (try await connectPatiently(coordinator, to: NodeAddress(parsing: at), name: name, options: options), at)
        case .localProcess(let name):
            let started = try await processes.startLocal(name: name, tls: options.tls)
            (peer, address) = (try await coordinator.connect(to: started, reconnecting: true), started.description)
        case .ssh(let host, let name, let command, let at):
            try processes.startOverSSH(host: host, name: name, command: command)
            (peer, address) = (try await connectPatiently(coordinator, to: NodeAddress(parsing: at), name: name, options: options), at)
        case .joining(let name):
            return try await coordinator.waitForPeer(named: name, timeout: options.nodeTimeout)
        }
        // The node reached must be the one the descriptor names (on TLS, the name its
        // certificate proves): another one at that address would receive its components.
        guard peer.remoteName == target.nodeName else {
            throw RemoteError(.handshakeFailed, node: target.nodeName,
                              "the node at \(address) is named '\(peer.remoteName)', not '\(target.nodeName)' as the deployment descriptor says; fix the descriptor's name or address")
        }
        return peer
    }

    /// Connects to a node that may still be starting, until the node timeout.
    private static func connectPatiently(_ coordinator: Node, to address: NodeAddress, name: String, options: Options) async throws -> Peer {
        let deadline = ContinuousClock.now + options.nodeTimeout
        var announced = false
        while true {
            do { return try await coordinator.connect(to: address, reconnecting: true) } catch {
                // Only a node that is not there yet is worth waiting for; a refusal is final.
                guard (error as? RemoteError)?.kind == .connectionFailed, ContinuousClock.now < deadline else { throw error }
                if !announced { options.logger.notice("waiting for node \(name) at \(address)") }
                announced = true
                try await Task.sleep(for: .milliseconds(200))
            }
        }
    }
}
