import Logging

/// Timing of a ``Peer``: deadlines and heartbeats; and where peers and nodes log.
public struct PeerOptions: Sendable {
    /// Where peers, nodes and the deployer log what goes wrong (a refused connection, a
    /// connection closed on an error, a node reached only through the coordinator).
    public var logger = Logger(label: "fractal.remote")

    /// How long a call waits for its reply unless its binding says otherwise
    /// (``Fractal/RemoteReference/deadline``).
    public var callDeadline: Duration = .seconds(30)
    /// How often a peer looks for calls past their deadline: a call fails at most this long
    /// after its deadline.
    public var deadlineResolution: Duration = .milliseconds(10)
    /// Serve requests on the thread that receives them (the connection's event loop) instead of
    /// the task pool, when the transport offers its executor: no hand-off between threads, about
    /// half the round-trip time, but while a method runs nothing else moves on that thread,
    /// heartbeats included. Only for components whose methods never block or compute for long.
    public var servesOnTransportThread = false
    /// How often a peer sends a heartbeat.
    public var heartbeatInterval: Duration = .milliseconds(500)
    /// How long without hearing anything before the other node is declared lost; pending calls
    /// then fail with `RemoteError.Kind.nodeLost`.
    public var lossTimeout: Duration = .seconds(3)
    /// How long the hello exchange may take.
    public var handshakeTimeout: Duration = .seconds(5)
    /// The largest frame this node sends; a larger call fails here, before it reaches the wire
    /// (where the receiver would close the connection and fail every call on it).
    public var maximumFrameSize: Int = Frame.defaultMaximumSize
    /// The most peers a node keeps connected at once; a node that would have more refuses the
    /// handshake, saying so. Peers gone are forgotten, so only connected ones count.
    public var maximumPeers: Int = 1_000
    /// The most requests and one-way calls from one connection served at once. Beyond it, the
    /// connection stops reading until calls finish: the other side's further calls wait in its
    /// transport, bounding what one peer can make this node hold. A call this node serves that
    /// calls back the same peer holds a place meanwhile: more such calls in flight than this
    /// wait until their deadlines.
    public var maximumRequestsInFlight: Int = 1_024
    /// The most bytes of requests and one-way calls from one connection served at once (one
    /// call is always served, whatever its size).
    public var maximumRequestBytesInFlight: Int = 64 << 20

    public init() {}
}
