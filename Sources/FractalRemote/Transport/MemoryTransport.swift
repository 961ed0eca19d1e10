import Synchronization

/// Nodes in one process, connected by in-memory queues: `mem://name`.
///
/// Frames are passed as values, not bytes, so tests of the distribution layer run fast and
/// deterministically; every other layer (peers, calls, heartbeats, nodes) is the one real
/// transports use. A test can cut a connection (``MemoryConnection/sever()``) to simulate a
/// node that vanishes without a goodbye.
public final class MemoryTransport: Transport {
    public var scheme: String { "mem" }

    private let listeners = Mutex<[String: @Sendable (any Connection) async -> Void]>([:])

    public init() {}

    public func listen(at address: NodeAddress, accept: @escaping @Sendable (any Connection) async -> Void) async throws -> any Listener {
        try listeners.withLock { listeners in
            guard listeners[address.host] == nil else {
                throw RemoteError(.connectionFailed, "mem://\(address.host) is already listening")
            }
            listeners[address.host] = accept
        }
        return MemoryListener(address: address) { [weak self] in
            _ = self?.listeners.withLock { $0.removeValue(forKey: address.host) }
        }
    }

    public func connect(to address: NodeAddress) async throws -> any Connection {
        guard let accept = listeners.withLock({ $0[address.host] }) else {
            throw RemoteError(.connectionFailed, "nothing listens at \(address)")
        }
        let (client, server) = MemoryConnection.pair(clientName: "mem-client", serverName: address.description)
        Task { await accept(server) }
        return client
    }
}

struct MemoryListener: Listener {
    let address: NodeAddress
    let onClose: @Sendable () -> Void

    func close() async { onClose() }
}

/// One end of an in-memory connection.
public final class MemoryConnection: Connection {
    public let remoteDescription: String
    private let inbound: AsyncStream<Frame>
    private let input: AsyncStream<Frame>.Continuation
    private let other = Mutex<MemoryConnection?>(nil)
    private let closed = Atomic<Bool>(false)

    private init(remoteDescription: String) {
        self.remoteDescription = remoteDescription
        (inbound, input) = AsyncStream.makeStream(of: Frame.self)
    }

    static func pair(clientName: String, serverName: String) -> (MemoryConnection, MemoryConnection) {
        let client = MemoryConnection(remoteDescription: serverName)
        let server = MemoryConnection(remoteDescription: clientName)
        client.other.withLock { $0 = server }
        server.other.withLock { $0 = client }
        return (client, server)
    }

    // Delivery goes through a queue and one task rather than straight into the other side's
    // receiver: two peers pinging each other at once would otherwise each deliver while the
    // other delivers to them.
    public func start(_ receiver: @escaping @Sendable (ConnectionEvent) -> Void) {
        let inbound = inbound
        Task {
            for await frame in inbound { receiver(.frame(frame)) }
            receiver(.closed(reason: nil))
        }
    }

    public func send(_ frame: Frame) {
        guard !closed.load(ordering: .acquiring) else { return }
        // Severed: the frame is lost on the way, as on a cut cable.
        other.withLock { $0 }?.input.yield(frame)
    }

    public func close() async {
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        input.finish()
        let other = other.withLock { connection in
            defer { connection = nil }
            return connection
        }
        await other?.close()
    }

    /// Stops carrying frames in both directions without closing either end: the peers see
    /// silence, as when a machine loses power.
    public func sever() {
        let other = other.withLock { connection in
            defer { connection = nil }
            return connection
        }
        other?.other.withLock { $0 = nil }
    }
}
