import Fractal

/// A channel to a node by name, over whichever connection reaches it at the time of each call:
/// a direct one, else one to a router node that forwards (`@node/export`).
///
/// Remote bindings made by deployments use links rather than a ``Peer``: when a lost node is
/// reconnected (``Node/connect(to:reconnecting:)``), calls through existing bindings take the
/// new connection. While no connection reaches the node, calls fail at once with
/// `RemoteError.Kind.nodeLost`.
public struct NodeLink: CallChannel {
    private let node: Weak<Node>
    /// The node the calls are for.
    public let target: String
    /// A node that can forward to `target`, used when this node has no connection to it.
    public let router: String?

    init(node: Node, target: String, router: String?) {
        self.node = Weak(node)
        self.target = target
        self.router = router
    }

    public func send(_ request: [UInt8]) async throws -> [UInt8] {
        try await send(request, deadline: nil)
    }

    public func send(_ request: [UInt8], deadline: Duration?) async throws -> [UInt8] {
        guard let node = node.object else {
            throw RemoteError(.connectionClosed, node: target, "the node calling '\(target)' has shut down")
        }
        if let peer = node.peer(named: target) {
            return try await peer.send(request, deadline: deadline)
        }
        if let router, router != target, let peer = node.peer(named: router) {
            guard let routed = ExportTable.retargeted(request, prefix: "@\(target)/") else {
                throw RemoteError(.protocolViolation, node: target, "cannot route a request that is not a call message")
            }
            return try await peer.send(routed, deadline: deadline)
        }
        let through = router.map { " nor to '\($0)'" } ?? ""
        throw RemoteError(.nodeLost, node: target, "node '\(node.name)' is not connected to '\(target)'\(through) at the moment")
    }
}
