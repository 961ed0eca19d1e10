import Fractal
import Synchronization

/// One end of a connection between two nodes: calls both ways, many in flight, heartbeats.
///
/// A peer sends requests (``send(_:)``, which makes it a `CallChannel` for remote bindings) and
/// serves the requests the other side sends through `serve`. Every call has a deadline; a
/// heartbeat answered by the reading loop itself, never queued behind calls, tells a busy node
/// from a lost one. When the other node is lost or the connection closes, every pending call
/// fails at once with a ``RemoteError``.
public final class Peer: CallChannel {
    public typealias Server = @Sendable (_ request: [UInt8]) async -> [UInt8]

    /// This node's name.
    public let localName: String
    public let options: PeerOptions
    let connection: any Connection
    private let serve: Server

    private struct State {
        var remoteName: String?
        var helloWaiter: CheckedContinuation<String, any Error>?
        var pending: [UInt64: CheckedContinuation<[UInt8], any Error>] = [:]
        var serving: [UInt64: Task<Void, Never>] = [:]
        var failure: RemoteError?
    }

    private let state = Mutex(State())
    private let nextStream = Atomic<UInt64>(1)
    private let lastHeard = Atomic<Int64>(0)
    private let clock = ContinuousClock()
    private let epoch: ContinuousClock.Instant

    private init(localName: String, connection: any Connection, options: PeerOptions, serve: @escaping Server) {
        self.localName = localName
        self.connection = connection
        self.options = options
        self.serve = serve
        self.epoch = clock.now
    }

    /// The other node's name, as said in its hello.
    public var remoteName: String { state.withLock { $0.remoteName } ?? connection.remoteDescription }

    /// Exchanges hellos on `connection` and starts the peer's reading and heartbeat loops.
    ///
    /// - Throws: ``RemoteError`` `.handshakeFailed` on a wrong version, a malformed hello, or silence.
    public static func start(
        on connection: any Connection, localName: String, options: PeerOptions = PeerOptions(),
        serve: @escaping Server
    ) async throws -> Peer {
        let peer = Peer(localName: localName, connection: connection, options: options, serve: serve)
        peer.heard()
        Task { await peer.read() }
        let timer = Task { [weak peer] in
            do { try await Task.sleep(for: options.handshakeTimeout) } catch { return }
            peer?.handshakeFailed(RemoteError(.handshakeFailed, "no hello from \(connection.remoteDescription) within \(options.handshakeTimeout)"))
        }
        defer { timer.cancel() }
        do {
            try await connection.send(Frame(.hello, payload: Hello(node: localName).encoded()))
            _ = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<String, any Error>) in
                let known = peer.state.withLock { state -> Result<String, RemoteError>? in
                    if let failure = state.failure { return .failure(failure) }
                    if let name = state.remoteName { return .success(name) }
                    state.helloWaiter = continuation
                    return nil
                }
                if let known { continuation.resume(with: known) }
            }
        } catch {
            await connection.close()
            throw error
        }
        Task { await peer.beat() }
        return peer
    }

    private func handshakeFailed(_ error: RemoteError) {
        shutDown(error)
        Task { await connection.close() }
    }

    private func receiveHello(_ frame: Frame) async -> Bool {
        do {
            let hello = try Hello(decoding: frame.payload)
            guard hello.version == Hello.protocolVersion else {
                try? await connection.send(Frame(.goodbye, payload: Array("protocol version \(Hello.protocolVersion) required".utf8)))
                throw RemoteError(.handshakeFailed, node: hello.node, "speaks protocol version \(hello.version); this node speaks \(Hello.protocolVersion)")
            }
            let waiter = state.withLock { state -> CheckedContinuation<String, any Error>? in
                state.remoteName = hello.node
                defer { state.helloWaiter = nil }
                return state.helloWaiter
            }
            waiter?.resume(returning: hello.node)
            return true
        } catch let error as RemoteError {
            shutDown(error)
            await connection.close()
            return false
        } catch {
            return false
        }
    }

    /// True until the connection closes or the other node is lost.
    public var isConnected: Bool { state.withLock { $0.failure == nil } }

    /// Why the peer stopped, once it has.
    public var failure: RemoteError? { state.withLock { $0.failure } }

    // MARK: Calls out

    /// Sends an encoded call and waits for its encoded reply, up to the default deadline.
    public func send(_ request: [UInt8]) async throws -> [UInt8] {
        try await call(request, deadline: options.callDeadline)
    }

    /// Sends an encoded call and waits for its encoded reply, up to `deadline` (the default when nil).
    public func send(_ request: [UInt8], deadline: Duration?) async throws -> [UInt8] {
        try await call(request, deadline: deadline ?? options.callDeadline)
    }

    /// Sends an encoded call and waits for its encoded reply, up to `deadline`.
    public func call(_ request: [UInt8], deadline: Duration) async throws -> [UInt8] {
        guard request.count + 4 + Frame.headerSize <= options.maximumFrameSize else {
            throw RemoteError(.frameTooLarge, node: remoteName,
                              "a call of \(request.count) bytes exceeds the frame limit of \(options.maximumFrameSize) bytes")
        }
        let stream = nextStream.wrappingAdd(1, ordering: .relaxed).oldValue
        let timer = Task { [weak self] in
            do { try await Task.sleep(for: deadline) } catch { return }
            self?.fail(stream, RemoteError(.deadlineExceeded, node: self?.remoteName, "no reply within \(deadline)"), cancel: true)
        }
        defer { timer.cancel() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<[UInt8], any Error>) in
                let failure = state.withLock { state -> RemoteError? in
                    if let failure = state.failure { return failure }
                    state.pending[stream] = continuation
                    return nil
                }
                if let failure {
                    continuation.resume(throwing: failure)
                    return
                }
                Task {
                    do {
                        try await connection.send(Frame(.request, stream: stream, payload: request))
                    } catch {
                        // The connection cannot carry frames any more: nothing else will get through.
                        self.shutDown(RemoteError(.connectionClosed, node: self.remoteName, "cannot send to \(self.connection.remoteDescription): \(error)"))
                    }
                }
            }
        } onCancel: {
            fail(stream, CancellationError(), cancel: true)
        }
    }

    /// Sends a call that wants no answer.
    public func sendOneWay(_ request: [UInt8]) async throws {
        try await connection.send(Frame(.oneWay, payload: request))
    }

    private func fail(_ stream: UInt64, _ error: any Error, cancel: Bool) {
        let continuation = state.withLock { $0.pending.removeValue(forKey: stream) }
        guard let continuation else { return }
        continuation.resume(throwing: error)
        if cancel {
            Task { try? await connection.send(Frame(.cancel, stream: stream)) }
        }
    }

    // MARK: The reading loop

    private func read() async {
        var greeted = false
        for await frame in connection.inbound {
            heard()
            if !greeted {
                guard frame.kind == .hello else {
                    shutDown(RemoteError(.handshakeFailed, "\(connection.remoteDescription) did not start with a hello"))
                    await connection.close()
                    return
                }
                guard await receiveHello(frame) else { return }
                greeted = true
                continue
            }
            switch frame.kind {
            case .response:
                let continuation = state.withLock { $0.pending.removeValue(forKey: frame.stream) }
                continuation?.resume(returning: frame.payload)
            case .request, .oneWay:
                let stream = frame.stream
                let wantsReply = frame.kind == .request
                let task = Task {
                    let reply = await serve(frame.payload)
                    _ = state.withLock { $0.serving.removeValue(forKey: stream) }
                    if wantsReply { try? await connection.send(Frame(.response, stream: stream, payload: reply)) }
                }
                if wantsReply { state.withLock { $0.serving[stream] = task } }
            case .cancel:
                state.withLock { $0.serving.removeValue(forKey: frame.stream) }?.cancel()
            case .ping:
                Task { try? await connection.send(Frame(.pong, stream: frame.stream, payload: frame.payload)) }
            case .pong:
                break
            case .goodbye:
                shutDown(RemoteError(.connectionClosed, node: remoteName, "closed by the other side: \(String(decoding: frame.payload, as: UTF8.self))"))
                await connection.close()
                return
            case .hello:
                shutDown(RemoteError(.protocolViolation, node: remoteName, "a second hello"))
                await connection.close()
                return
            }
        }
        let reason = connection.closeReason.map { ": \($0)" } ?? ""
        shutDown(RemoteError(.connectionClosed, node: remoteName, "the connection to \(connection.remoteDescription) closed\(reason)"))
    }

    // MARK: Heartbeats

    private func elapsedNanoseconds() -> Int64 {
        let elapsed = clock.now - epoch
        return elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000
    }

    private func heard() {
        lastHeard.store(elapsedNanoseconds(), ordering: .relaxed)
    }

    private func silence() -> Duration {
        .nanoseconds(elapsedNanoseconds() - lastHeard.load(ordering: .relaxed))
    }

    private func beat() async {
        var sequence: UInt64 = 0
        var expected = clock.now + options.heartbeatInterval
        while isConnected {
            do { try await Task.sleep(until: expected) } catch { return }
            let late = clock.now - expected
            expected = clock.now + options.heartbeatInterval
            // Always ping: the other side answers on its network thread, so pongs keep coming
            // even while its tasks (or ours) are busy.
            sequence += 1
            try? await connection.send(Frame(.ping, stream: sequence))
            // Woken late: this process was too busy to hear anyone, which says nothing of the
            // other node. Judge next time.
            if late > options.heartbeatInterval { continue }
            var quiet = silence()
            if let activity = connection.lastActivity { quiet = min(quiet, clock.now - activity) }
            if quiet > options.lossTimeout {
                shutDown(RemoteError(.nodeLost, node: remoteName, "no heartbeat for \(options.lossTimeout): the node is lost"))
                await connection.close()
                return
            }
        }
    }

    // MARK: Ending

    /// Closes the connection, failing pending calls.
    public func close(reason: String = "closing") async {
        try? await connection.send(Frame(.goodbye, payload: Array(reason.utf8)))
        shutDown(RemoteError(.connectionClosed, node: remoteName, "the connection was closed here: \(reason)"))
        await connection.close()
    }

    private func shutDown(_ error: RemoteError) {
        let (pending, serving, helloWaiter) = state.withLock { state -> ([CheckedContinuation<[UInt8], any Error>], [Task<Void, Never>], CheckedContinuation<String, any Error>?) in
            if state.failure == nil { state.failure = error }
            defer {
                state.pending = [:]
                state.serving = [:]
                state.helloWaiter = nil
            }
            return (Array(state.pending.values), Array(state.serving.values), state.helloWaiter)
        }
        helloWaiter?.resume(throwing: error)
        for continuation in pending { continuation.resume(throwing: error) }
        for task in serving { task.cancel() }
    }
}

