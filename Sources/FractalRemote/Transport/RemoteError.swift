/// Errors of the distribution layer: addresses, connections, the wire protocol, lost nodes.
public struct RemoteError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        case badAddress
        case unknownScheme
        case connectionFailed
        case connectionClosed
        case handshakeFailed
        case protocolViolation
        case frameTooLarge
        case deadlineExceeded
        case nodeLost
        case unknownNode
    }

    public var kind: Kind
    public var message: String
    /// The node involved, when known.
    public var node: String?

    public init(_ kind: Kind, node: String? = nil, _ message: String) {
        self.kind = kind
        self.node = node
        self.message = message
    }

    public var description: String { node.map { "node \($0): \(message)" } ?? message }
}
