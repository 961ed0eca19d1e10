import Fractal
import Synchronization

/// One end of a connection between two nodes: calls both ways, many in flight, heartbeats.
///
/// A peer sends requests (``send(_:)``, which makes it a `CallChannel` for remote bindings) and
/// serves the requests the other side sends through `serve`. Every call has a deadline; a
/// heartbeat answered on the transport's own thread, never queued behind calls, tells a busy
/// node from a lost one. When the other node is lost or the connection closes, every pending
/// call fails at once with a ``RemoteError``.
///
/// Frames are handled as they arrive, on the transport's thread: a reply resumes its caller
/// directly, a request starts one task that serves it. Nothing else runs per call: deadlines
/// are swept by one task per peer (every ``PeerOptions/deadlineResolution``).
public final class Peer: CallChannel {
    public typealias Server = @Sendable (_ request: [UInt8]) async -> [UInt8]
    /// Decides whether to accept the peer whose hello just arrived (its ``remoteName`` is set):
    /// nil to accept, or the reason for refusing, sent in a goodbye.
    public typealias Admission = @Sendable (_ peer: Peer) -> String?

    /// This node's name.
    public let localName: String
    public let options: PeerOptions
    let connection: any Connection
    private let serve: Server
    private let admit: Admission?
    /// Where requests are served: the transport's thread when asked and offered, else the pool.
    private let servingExecutor: (any TaskExecutor)?
    /// The side that accepted the connection says hello second, once it has admitted the other.
    private let accepting: Bool

    private struct Pending {
        let continuation: UnsafeContinuation<[UInt8], any Error>
        /// Nanoseconds since `epoch`.
        let due: Int64
        let deadline: Duration
    }

    private struct State {
        var remoteName: String?
        /// The other side's hello arrived and was admitted.
        var welcomed = false
        var helloWaiter: UnsafeContinuation<String, any Error>?
        var pending: [UInt64: Pending] = [:]
        /// No pending call is due before this (nanoseconds since `epoch`).
        var earliestDue: Int64 = .max
        var serving: [UInt64: Task<Void, Never>] = [:]
        var failure: RemoteError?
        var closeWaiters: [UnsafeContinuation<Void, Never>] = []
        /// The deadline sweeper, waiting for a call while none is pending.
        var idleSweeper: UnsafeContinuation<Void, Never>?
        /// Requests and one-way calls being served, and their bytes.
        var inFlight = 0
        var inFlightBytes = 0
        /// Requests and one-way calls that arrived beyond the bounds, served in turn.
        var backlog: [Frame] = []
        var backlogStart = 0
        /// Whether this side asked the connection to stop reading (see `serveOrQueue`).
        var readingPaused = false
    }

    private let state = Mutex(State())
    private let greeted = Atomic<Bool>(false)
    private let oneWayFailureCount = Atomic<Int>(0)
    private let nextStream = Atomic<UInt64>(1)
    private let lastHeard = Atomic<Int64>(0)
    private let clock = ContinuousClock()
    private let epoch: ContinuousClock.Instant

    private init(localName: String, connection: any Connection, options: PeerOptions, accepting: Bool,
                 admit: Admission?, serve: @escaping Server) {
        self.localName = localName
        self.connection = connection
        self.options = options
        self.accepting = accepting
        self.admit = admit
        self.serve = serve
        servingExecutor = options.servesOnTransportThread ? connection.executor : nil
        self.epoch = clock.now
    }

    /// The executor of the thread this peer's connection delivers on, when its transport has
    /// one: a task that prefers it (`Task(executorPreference: peer.executor)`) makes calls
    /// without changing threads. For code that never blocks (see
    /// ``PeerOptions/servesOnTransportThread``).
    public var executor: (any TaskExecutor)? { connection.executor }

    /// The member the transport authenticated the other node as (the identity of its shared
    /// secret, or its certificate's name), nil when the transport authenticates no one.
    public var remoteMember: String? { connection.authenticatedMember }

    /// The other node's name, as said in its hello.
    public var remoteName: String { state.withLock { $0.remoteName } ?? connection.remoteDescription }

    /// Exchanges hellos on `connection` and starts the peer's heartbeats.
    ///
    /// The side that opened the connection says hello first; the side that `accepting` it
    /// answers with its own hello once `admit` has accepted the other's name, or with a goodbye
    /// saying why not. `admit` runs on both sides.
    ///
    /// - Throws: ``RemoteError`` `.handshakeFailed` on a wrong version, a malformed hello, a
    ///   refusal, or silence.
    public static func start(
        on connection: any Connection, localName: String, options: PeerOptions = PeerOptions(),
        accepting: Bool = false, admit: Admission? = nil, serve: @escaping Server
    ) async throws -> Peer {
        let peer = Peer(localName: localName, connection: connection, options: options, accepting: accepting, admit: admit, serve: serve)
        peer.heard()
        // The connection holds the peer until it closes: a peer lives as long as its connection.
        connection.start { event in peer.receive(event) }
        let timer = Task { [weak peer] in
            do { try await Task.sleep(for: options.handshakeTimeout) } catch { return }
            peer?.abandon(RemoteError(.handshakeFailed, "no hello from \(connection.remoteDescription) within \(options.handshakeTimeout)"))
        }
        defer { timer.cancel() }
        if !accepting { connection.send(Frame(.hello, payload: Hello(node: localName).encoded())) }
        do {
            _ = try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<String, any Error>) in
                let known = peer.state.withLock { state -> Result<String, RemoteError>? in
                    if let failure = state.failure { return .failure(failure) }
                    if state.welcomed, let name = state.remoteName { return .success(name) }
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
        Task { await peer.sweepDeadlines() }
        return peer
    }

    /// Fails everything and closes the connection, from the transport's thread.
    private func abandon(_ error: RemoteError) {
        // A refused handshake is reported by whoever started it; a broken protocol only here.
        if error.kind == .protocolViolation {
            options.logger.warning("closing the connection with \(connection.remoteDescription): \(error)")
        }
        shutDown(error)
        Task { await connection.close() }
    }

    private func receiveHello(_ frame: Frame) {
        let hello: Hello
        do {
            hello = try Hello(decoding: frame.payload)
        } catch {
            abandon(error as? RemoteError ?? RemoteError(.handshakeFailed, "a malformed hello from \(connection.remoteDescription)"))
            return
        }
        guard hello.version == Hello.protocolVersion else {
            connection.send(Frame(.goodbye, payload: Array("protocol version \(Hello.protocolVersion) required".utf8)))
            abandon(RemoteError(.handshakeFailed, node: hello.node, "speaks protocol version \(hello.version); this node speaks \(Hello.protocolVersion)"))
            return
        }
        state.withLock { $0.remoteName = hello.node }
        if let names = connection.authenticatedNames, !names.contains(hello.node) {
            let refusal = "'\(hello.node)' presents a certificate for \(names.isEmpty ? "no node name" : names.map { "'\($0)'" }.joined(separator: ", "))"
            connection.send(Frame(.goodbye, payload: Array(refusal.utf8)))
            abandon(RemoteError(.handshakeFailed, node: hello.node, "refused: \(refusal)"))
            return
        }
        if let refusal = admit?(self) {
            connection.send(Frame(.goodbye, payload: Array(refusal.utf8)))
            abandon(RemoteError(.handshakeFailed, node: hello.node, "refused: \(refusal)"))
            return
        }
        if accepting { connection.send(Frame(.hello, payload: Hello(node: localName).encoded())) }
        greeted.store(true, ordering: .releasing)
        let waiter = state.withLock { state -> UnsafeContinuation<String, any Error>? in
            state.welcomed = true
            defer { state.helloWaiter = nil }
            return state.helloWaiter
        }
        waiter?.resume(returning: hello.node)
    }

    /// One-way calls from the other side that failed here (each is logged as a warning too).
    public var oneWayFailures: Int { oneWayFailureCount.load(ordering: .relaxed) }

    /// True until the connection closes or the other node is lost.
    public var isConnected: Bool { state.withLock { $0.failure == nil } }

    /// Why the peer stopped, once it has.
    public var failure: RemoteError? { state.withLock { $0.failure } }

    /// Returns once the peer has stopped (the connection closed, or the node was lost).
    public func closed() async {
        await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
            let over = state.withLock { state in
                if state.failure == nil { state.closeWaiters.append(continuation) }
                return state.failure != nil
            }
            if over { continuation.resume() }
        }
    }

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
        let due = elapsedNanoseconds() + deadline.nanoseconds
        return try await withTaskCancellationHandler {
            try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<[UInt8], any Error>) in
                let cancelled = Task.isCancelled
                let (failure, sweeper) = state.withLock { state -> ((any Error)?, UnsafeContinuation<Void, Never>?) in
                    if let failure = state.failure { return (failure, nil) }
                    if cancelled { return (CancellationError(), nil) }
                    state.pending[stream] = Pending(continuation: continuation, due: due, deadline: deadline)
                    state.earliestDue = min(state.earliestDue, due)
                    defer { state.idleSweeper = nil }
                    return (nil, state.idleSweeper)
                }
                if let failure {
                    continuation.resume(throwing: failure)
                    return
                }
                sweeper?.resume()
                connection.send(Frame(.request, stream: stream, payload: request))
            }
        } onCancel: {
            fail(stream, CancellationError())
        }
    }

    /// Sends a call that wants no answer.
    ///
    /// - Throws: ``RemoteError`` when the connection is already gone.
    public func sendOneWay(_ request: [UInt8]) throws {
        if let failure { throw failure }
        connection.send(Frame(.oneWay, payload: request))
    }

    /// Fails a pending call and tells the other side to stop serving it.
    private func fail(_ stream: UInt64, _ error: any Error) {
        let pending = state.withLock { $0.pending.removeValue(forKey: stream) }
        guard let pending else { return }
        pending.continuation.resume(throwing: error)
        connection.send(Frame(.cancel, stream: stream))
    }

    // MARK: Frames in

    /// Handles one event, on the transport's thread: must not wait for anything.
    private func receive(_ event: ConnectionEvent) {
        guard case .frame(let frame) = event else {
            if case .closed(let reason) = event {
                let reason = reason.map { ": \($0)" } ?? ""
                shutDown(RemoteError(.connectionClosed, node: remoteName, "the connection to \(connection.remoteDescription) closed\(reason)"))
            }
            return
        }
        heard()
        guard greeted.load(ordering: .acquiring) else {
            if frame.kind == .hello {
                receiveHello(frame)
            } else if frame.kind == .goodbye {
                abandon(RemoteError(.handshakeFailed, node: remoteName, "refused by \(connection.remoteDescription): \(String(decoding: frame.payload, as: UTF8.self))"))
            } else {
                abandon(RemoteError(.handshakeFailed, "\(connection.remoteDescription) did not start with a hello"))
            }
            return
        }
        switch frame.kind {
        case .response:
            state.withLock { $0.pending.removeValue(forKey: frame.stream) }?.continuation.resume(returning: frame.payload)
        case .request, .oneWay:
            serveOrQueue(frame)
        case .cancel:
            state.withLock { state in
                if let queued = state.backlog[state.backlogStart...].firstIndex(where: { $0.kind == .request && $0.stream == frame.stream }) {
                    state.backlog.remove(at: queued)
                }
                return state.serving.removeValue(forKey: frame.stream)
            }?.cancel()
        case .ping:
            connection.send(Frame(.pong, stream: frame.stream, payload: frame.payload))
        case .pong:
            break
        case .goodbye:
            abandon(RemoteError(.connectionClosed, node: remoteName, "closed by the other side: \(String(decoding: frame.payload, as: UTF8.self))"))
        case .hello:
            abandon(RemoteError(.protocolViolation, node: remoteName, "a second hello"))
        }
    }

    // MARK: Serving, bounded

    /// Serves a request or one-way call, or, when this connection already has its maximum in
    /// flight (``PeerOptions/maximumRequestsInFlight``, ``PeerOptions/maximumRequestBytesInFlight``),
    /// queues it and asks the connection to stop reading: further requests wait in the
    /// transport (and the other side's socket) rather than in this node's memory. The frames
    /// queued are those the transport had read already: a bounded number.
    private func serveOrQueue(_ frame: Frame) {
        let pause = state.withLock { state -> Bool in
            guard state.failure == nil else { return false }
            if state.backlog.count == state.backlogStart && fits(frame, in: state) {
                start(frame, in: &state)
                return false
            }
            state.backlog.append(frame)
            defer { state.readingPaused = true }
            return !state.readingPaused
        }
        if pause { connection.pauseReading(true) }
    }

    private func fits(_ frame: Frame, in state: State) -> Bool {
        // One call is always served, whatever its size.
        state.inFlight == 0
            || (state.inFlight < options.maximumRequestsInFlight && state.inFlightBytes + frame.payload.count <= options.maximumRequestBytesInFlight)
    }

    /// Starts serving `frame`, under the lock (so the task cannot look itself up before it is
    /// recorded).
    private func start(_ frame: Frame, in locked: inout State) {
        locked.inFlight += 1
        locked.inFlightBytes += frame.payload.count
        let caller = locked.remoteName
        let stream = frame.stream, size = frame.payload.count
        if frame.kind == .request {
            locked.serving[stream] = Task(executorPreference: servingExecutor) { [self] in
                let reply = fitting(await CallContext.$caller.withValue(caller) { await serve(frame.payload) }, to: frame.payload)
                let wanted = state.withLock { $0.serving.removeValue(forKey: stream) } != nil
                if wanted { connection.send(Frame(.response, stream: stream, payload: reply)) }
                finished(size)
            }
        } else {
            Task(executorPreference: servingExecutor) { [self] in
                let reply = await CallContext.$caller.withValue(caller) { await serve(frame.payload) }
                finished(size)
                // Nobody waits for this reply: a failure would be lost unless said here.
                guard reply.first != 0, let error = try? CallReply(decoding: reply).error(at: ExportTable.target(of: frame.payload) ?? "?") else { return }
                oneWayFailureCount.add(1, ordering: .relaxed)
                options.logger.warning("a one-way call from \(caller ?? connection.remoteDescription) failed: \(error)")
            }
        }
    }

    /// A call of `size` bytes was served: the next queued ones start, and once none is
    /// queued the connection reads again.
    private func finished(_ size: Int) {
        let resume = state.withLock { state -> Bool in
            state.inFlight -= 1
            state.inFlightBytes -= size
            guard state.failure == nil else { return false }
            while state.backlogStart < state.backlog.count, fits(state.backlog[state.backlogStart], in: state) {
                let next = state.backlog[state.backlogStart]
                state.backlogStart += 1
                start(next, in: &state)
            }
            if state.backlogStart == state.backlog.count {
                state.backlog.removeAll(keepingCapacity: state.backlog.count <= 1024)
                state.backlogStart = 0
                if state.readingPaused {
                    state.readingPaused = false
                    return true
                }
            }
            return false
        }
        if resume {
            // Nothing was read meanwhile, by this side's choice: that silence is not the other's.
            heard()
            connection.pauseReading(false)
        }
    }

    /// Requests and one-way calls from the other side being served now.
    public var requestsInFlight: Int { state.withLock { $0.inFlight } }

    /// `reply`, or, when it would not fit in one frame (which the caller's side would take for
    /// a broken connection), a failure of that call alone.
    private func fitting(_ reply: [UInt8], to request: [UInt8]) -> [UInt8] {
        guard reply.count + 4 + Frame.headerSize > options.maximumFrameSize else { return reply }
        let target = (ExportTable.target(of: request) ?? "").split(separator: "#", maxSplits: 1).map(String.init)
        return ExportTable.failureReply(FractalError(
            .resultTooLarge, component: target.first, interface: target.count > 1 ? target[1] : nil,
            "the result of \(reply.count) bytes exceeds the frame limit of \(options.maximumFrameSize) bytes: return less per call (pages, a stream of calls)"),
            node: localName)
    }

    // MARK: Time

    private func elapsedNanoseconds() -> Int64 {
        (clock.now - epoch).nanoseconds
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
            connection.send(Frame(.ping, stream: sequence))
            // Woken late: this process was too busy to hear anyone, which says nothing of the
            // other node. Judge next time.
            if late > options.heartbeatInterval { continue }
            // Not reading, by this side's choice: nothing can be heard, which says nothing of
            // the other node (it hears this one: replies and pings still go out).
            if state.withLock({ $0.readingPaused }) {
                heard()
                continue
            }
            if silence() > options.lossTimeout {
                abandon(RemoteError(.nodeLost, node: remoteName, "no heartbeat for \(options.lossTimeout): the node is lost"))
                return
            }
        }
    }

    /// Fails the calls whose deadline has passed, every `deadlineResolution` while calls are
    /// pending; sleeps until the next call otherwise.
    private func sweepDeadlines() async {
        while isConnected {
            await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
                let idle = state.withLock { state -> Bool in
                    guard state.failure == nil, state.pending.isEmpty else { return false }
                    state.idleSweeper = continuation
                    return true
                }
                if !idle { continuation.resume() }
            }
            do { try await Task.sleep(for: options.deadlineResolution) } catch { return }
            let now = elapsedNanoseconds()
            let expired = state.withLock { state -> [(stream: UInt64, call: Pending)] in
                guard state.earliestDue <= now else { return [] }
                var expired: [(stream: UInt64, call: Pending)] = []
                var earliest = Int64.max
                for (stream, call) in state.pending {
                    if call.due <= now { expired.append((stream, call)) } else { earliest = min(earliest, call.due) }
                }
                for (stream, _) in expired { state.pending.removeValue(forKey: stream) }
                state.earliestDue = earliest
                return expired
            }
            guard !expired.isEmpty else { continue }
            let name = remoteName
            for (stream, call) in expired {
                call.continuation.resume(throwing: RemoteError(.deadlineExceeded, node: name, "no reply within \(call.deadline)"))
                connection.send(Frame(.cancel, stream: stream))
            }
        }
    }

    // MARK: Ending

    /// Closes the connection, failing pending calls.
    public func close(reason: String = "closing") async {
        connection.send(Frame(.goodbye, payload: Array(reason.utf8)))
        shutDown(RemoteError(.connectionClosed, node: remoteName, "the connection was closed here: \(reason)"))
        await connection.close()
    }

    private func shutDown(_ error: RemoteError) {
        let (pending, serving, helloWaiter, closeWaiters, sweeper) = state.withLock { state in
            if state.failure == nil { state.failure = error }
            defer {
                state.pending = [:]
                state.serving = [:]
                state.helloWaiter = nil
                state.closeWaiters = []
                state.idleSweeper = nil
                state.backlog = []
                state.backlogStart = 0
            }
            return (Array(state.pending.values), Array(state.serving.values), state.helloWaiter, state.closeWaiters, state.idleSweeper)
        }
        sweeper?.resume()
        helloWaiter?.resume(throwing: error)
        for call in pending { call.continuation.resume(throwing: error) }
        for task in serving { task.cancel() }
        for waiter in closeWaiters { waiter.resume() }
    }
}

extension Duration {
    /// The whole duration in nanoseconds (saturating).
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? (seconds < 0 ? .min : .max) : whole.addingReportingOverflow(attoseconds / 1_000_000_000).partialValue
    }
}
