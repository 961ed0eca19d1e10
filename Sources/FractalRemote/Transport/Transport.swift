/// A way for nodes to reach each other: TCP, TLS, in-memory, or one of your own.
///
/// A transport moves *frames* (whole messages; see ``Frame``) over connections. It knows nothing
/// of calls: the ``Peer`` on each end multiplexes calls, replies and heartbeats over one
/// connection. Register transports in a ``TransportRegistry`` under their address scheme.
public protocol Transport: Sendable {
    /// The address scheme this transport serves (`tcp`).
    var scheme: String { get }

    /// Accepts connections at `address`, handing each to `accept`.
    func listen(at address: NodeAddress, accept: @escaping @Sendable (any Connection) async -> Void) async throws -> any Listener

    /// Opens a connection to `address`.
    func connect(to address: NodeAddress) async throws -> any Connection
}

/// One connection between two nodes, carrying frames both ways.
public protocol Connection: Sendable {
    /// The other end, as this transport can name it (for logs and errors).
    var remoteDescription: String { get }
    /// Frames as they arrive; ends when the connection closes.
    var inbound: AsyncStream<Frame> { get }
    /// Sends one frame. Throws ``RemoteError`` once the connection is closed.
    func send(_ frame: Frame) async throws
    /// Closes the connection; `inbound` ends.
    func close() async
    /// Why the transport closed the connection, when it knows (a failed TLS handshake, say).
    var closeReason: String? { get }
    /// When bytes last arrived, as the transport saw them (on its own threads, not behind a
    /// busy task pool): what tells a busy peer from a lost one.
    var lastActivity: ContinuousClock.Instant? { get }
}

extension Connection {
    public var closeReason: String? { nil }
    public var lastActivity: ContinuousClock.Instant? { nil }
}

/// A listening endpoint.
public protocol Listener: Sendable {
    /// The address actually bound (a port of 0 is replaced by the one chosen).
    var address: NodeAddress { get }
    func close() async
}

/// Transports by scheme.
public struct TransportRegistry: Sendable {
    private var transports: [String: any Transport] = [:]

    public init(_ transports: [any Transport] = []) {
        for transport in transports { register(transport) }
    }

    public mutating func register(_ transport: any Transport) {
        transports[transport.scheme] = transport
    }

    public func transport(for address: NodeAddress) throws -> any Transport {
        guard let transport = transports[address.scheme] else {
            throw RemoteError(.unknownScheme, "no transport for '\(address.scheme)://' (known: \(transports.keys.sorted().joined(separator: ", ")))")
        }
        return transport
    }
}
