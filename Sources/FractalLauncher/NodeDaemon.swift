import FractalRemote
import Logging
import ServiceLifecycle
import Synchronization

/// A node as a long-running service: listens and/or joins, serves until its service group
/// shuts down gracefully (on SIGTERM or SIGINT under `fractal node`), then stops every hosted
/// component and closes every connection.
///
/// Run it in a `ServiceGroup` of your own to host a node next to other services.
public struct NodeDaemon: Service {
    public let node: Node
    /// Where to listen, if anywhere.
    public let listen: NodeAddress?
    /// Coordinators to dial out to (and again whenever the connection is lost).
    public let join: [NodeAddress]
    /// Where the daemon says what it does: a line per event.
    let say: @Sendable (String) -> Void

    public init(node: Node, listen: NodeAddress?, join: [NodeAddress], say: @escaping @Sendable (String) -> Void) {
        self.node = node
        self.listen = listen
        self.join = join
        self.say = say
    }

    public func run() async throws {
        let name = node.name
        do {
            if let listen {
                let bound = try await node.listen(at: listen)
                say("node \(name) listening at \(bound)")
            }
        } catch {
            await node.shutdown()
            throw error
        }
        for address in join {
            // A failure is said when it first happens and whenever its reason changes, not at
            // every retry.
            let lastFailure = Mutex<String?>(nil)
            node.keepConnected(to: address) { [say] event in
                switch event {
                case .connected(let peer):
                    lastFailure.withLock { $0 = nil }
                    say("node \(name) joined \(peer.remoteName) at \(address)")
                case .lost(let peer):
                    say("node \(name) lost \(peer.remoteName): \(peer.failure?.description ?? "closed"); joining again")
                case .failed(let error):
                    let reason = "\(error)"
                    let isNew = lastFailure.withLock { last in
                        defer { last = reason }
                        return last != reason
                    }
                    if isNew { say("node \(name) cannot join \(address): \(reason); retrying, every 5 s at most") }
                }
            }
        }
        // Serves until the group shuts down gracefully, or this task is cancelled.
        try? await gracefulShutdown()
        say("node \(name) stopping")
        await node.shutdown()
    }

    /// Runs `daemon` alone in a service group that shuts it down gracefully on SIGTERM or SIGINT.
    public static func runUntilTerminated(_ daemon: NodeDaemon) async throws {
        var logger = Logger(label: "fractal.node")
        logger.logLevel = .warning
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: [daemon], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
