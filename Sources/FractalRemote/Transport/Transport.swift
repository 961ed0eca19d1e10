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

/// What a connection tells the peer on top of it.
public enum ConnectionEvent: Sendable {
    /// A whole frame arrived.
    case frame(Frame)
    /// The connection is closed, by either side; `reason` says why when the transport knows
    /// (a failed TLS handshake, a malformed frame). Always the last event.
    case closed(reason: String?)
}

/// One connection between two nodes, carrying frames both ways.
///
/// Neither direction waits: ``send(_:)`` queues, and arrivals are pushed to the receiver given
/// to ``start(_:)``. That keeps a call's round trip to the network threads and back, with no
/// task in between (see docs/performance.md).
public protocol Connection: Sendable {
    /// The other end, as this transport can name it (for logs and errors).
    var remoteDescription: String { get }
    /// Starts delivering events to `receiver`: every frame, in the order sent, one at a time,
    /// then exactly one `.closed`. Events that happened before are delivered first. Called once.
    ///
    /// `receiver` runs on the transport's own thread and never blocks: it is how a node that is
    /// busy with calls still answers heartbeats.
    func start(_ receiver: @escaping @Sendable (ConnectionEvent) -> Void)
    /// Queues `frame` behind the frames queued before it; never waits. A frame sent after the
    /// connection closed is dropped (the receiver has been, or will be, told `.closed`).
    func send(_ frame: Frame)
    /// Stops (true) or resumes (false) reading from the other side, for backpressure: while
    /// paused, what the other side sends waits in the network. Frames read already are still
    /// delivered. Transports without flow control may ignore it.
    func pauseReading(_ paused: Bool)
    /// Closes the connection; the receiver gets `.closed`.
    func close() async
    /// The executor of the thread that delivers this connection's events, if the transport
    /// has one to offer: tasks preferring it run without changing threads (see
    /// ``PeerOptions/servesOnTransportThread``).
    var executor: (any TaskExecutor)? { get }
    /// The node names the transport has authenticated for the other side (the DNS names of
    /// its TLS certificate), or nil when it authenticates no one. The peer then admits the
    /// other node only under one of these names. Read once the first frame has arrived.
    var authenticatedNames: [String]? { get }
    /// The member the transport authenticated for the other side: the identity of the shared
    /// secret it proved, or the first name of its certificate; nil when it authenticates no
    /// one. Read once the first frame has arrived.
    var authenticatedMember: String? { get }
}

extension Connection {
    public var executor: (any TaskExecutor)? { nil }
    public var authenticatedNames: [String]? { nil }
    public var authenticatedMember: String? { nil }
    public func pauseReading(_ paused: Bool) {}
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
