import Fractal
import FractalADL
import FractalNIO
@testable import FractalRemote
import Foundation
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
private let rawSocketStream = Int32(SOCK_STREAM.rawValue)
private let rawSendFlags = Int32(MSG_NOSIGNAL)
private func rawClose(_ fd: Int32) { _ = Glibc.close(fd) }
private func rawSend(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int { Glibc.send(fd, bytes, count, rawSendFlags) }
#elseif canImport(Darwin)
import Darwin
private let rawSocketStream = SOCK_STREAM
private let rawSendFlags: Int32 = 0
private func rawClose(_ fd: Int32) { _ = Darwin.close(fd) }
private func rawSend(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int { Darwin.send(fd, bytes, count, rawSendFlags) }
#endif

/// In-process nodes over real TCP on 127.0.0.1 (port 0): the scenarios of MemoryNodeTests,
/// load on one connection, deadlines, and clients that break the wire protocol.
@Suite struct TCPNodeTests {
    let transports = TransportRegistry([TCPTransport(authentication: .none)])

    /// Short heartbeats; a generous call deadline, so only the deadline test sees deadlines.
    ///
    /// The loss timeout is long on purpose: only `aNodeBusyWithABurstOfCallsIsNotDeclaredLost`
    /// is about heartbeats (it uses 1 s), and while the suites running beside these ones keep the
    /// cooperative pool busy (thousands of calls on 2 cores), a peer woken late skips its pings,
    /// so a loss timeout of 1 s can declare healthy nodes lost. NodeProcessTests checks real losses.
    static var options: PeerOptions {
        var options = PeerOptions()
        options.heartbeatInterval = .milliseconds(100)
        options.lossTimeout = .seconds(10)
        options.callDeadline = .seconds(30)
        return options
    }

    func node(
        _ name: String, listening: Bool = true, transports: TransportRegistry? = nil, options: PeerOptions = TCPNodeTests.options
    ) async throws -> (node: Node, address: NodeAddress?) {
        let node = Node(name: name, registry: RemoteWorld.registry, transports: transports ?? self.transports, options: options)
        guard listening else { return (node, nil) }
        let address = try await node.listen(at: NodeAddress(parsing: "tcp://127.0.0.1:0"))
        return (node, address)
    }

    // MARK: Scenarios

    @Test func clientOnOneNodeCallsServerOnAnotherThroughTheCoordinator() async throws {
        let (n1, a1) = try await node("relayNode")
        let (n2, a2) = try await node("echoNode")
        let (coordinator, _) = try await node("hub", listening: false)
        #expect(a1!.port != 0 && a2!.port != 0, "port 0 is replaced by the port bound")
        let p1 = try await coordinator.connect(to: a1!)
        let p2 = try await coordinator.connect(to: a2!)
        #expect(p1.remoteName == "relayNode")
        #expect(p2.remoteName == "echoNode")
        try await RemoteWorld.expectRelayedEcho(hub: coordinator, relayNode: p1, echoNode: p2)
        await coordinator.shutdown()
        await n1.shutdown()
        await n2.shutdown()
    }

    @Test func tenThousandConcurrentCallsOverOneConnectionAreAllAnsweredWithTheirOwnValue() async throws {
        let (server, address) = try await node("busyTCP")
        let (coordinator, _) = try await node("callerTCP", listening: false)
        let peer = try await coordinator.connect(to: address!)
        let control = try coordinator.control(of: peer)
        _ = try await control.instantiate(RemoteWorld.echoPlan("echo"), path: "echo")
        try await control.start("echo")
        let echo = try remoteProxy((any Echo).self, exportedAs: "echo#e", over: peer, registry: RemoteWorld.registry)
        let (wrong, failures) = try await withThrowingTaskGroup(of: (Bool, String?).self) { group in
            for value in 0..<10_000 {
                group.addTask {
                    do { return (try await echo.echo(value) != value, nil) } catch { return (true, "\(value): \(error)") }
                }
            }
            var wrong = 0
            var failures: [String] = []
            for try await (isWrong, failure) in group {
                if isWrong { wrong += 1 }
                if let failure, failures.count < 5 { failures.append(failure) }
            }
            return (wrong, failures)
        }
        #expect(wrong == 0, "first failures: \(failures)")
        #expect(peer.isConnected)
        await coordinator.shutdown()
        await server.shutdown()
    }

    /// A node busy with a burst of calls is busy, not lost: with heartbeats every 100 ms and a
    /// loss timeout of 1 s, 20,000 calls queued at once on one connection all succeed.
    @Test func aNodeBusyWithABurstOfCallsIsNotDeclaredLost() async throws {
        var options = Self.options
        options.lossTimeout = .seconds(1)
        options.callDeadline = .seconds(60)
        let (server, address) = try await node("burstTCP", options: options)
        let (coordinator, _) = try await node("burstCallerTCP", listening: false, options: options)
        let peer = try await coordinator.connect(to: address!)
        let control = try coordinator.control(of: peer)
        _ = try await control.instantiate(RemoteWorld.echoPlan("echo"), path: "echo")
        try await control.start("echo")
        let echo = try remoteProxy((any Echo).self, exportedAs: "echo#e", over: peer, registry: RemoteWorld.registry)
        let failures = try await withThrowingTaskGroup(of: String?.self) { group in
            for value in 0..<20_000 {
                group.addTask {
                    do { return try await echo.echo(value) == value ? nil : "\(value): a wrong value" } catch { return "\(error)" }
                }
            }
            var failures: [String: Int] = [:]
            for try await failure in group {
                if let failure { failures[failure, default: 0] += 1 }
            }
            return failures
        }
        #expect(failures.isEmpty, "failed calls, by error: \(failures)")
        #expect(peer.isConnected, "\(String(describing: peer.failure))")
        await coordinator.shutdown()
        await server.shutdown()
    }

    @Test func aCallPastItsDeadlineFailsWithDeadlineExceededAndLaterCallsWork() async throws {
        let (server, address) = try await node("slowTCP")
        var impatient = Self.options
        impatient.callDeadline = .milliseconds(300)
        let (coordinator, _) = try await node("impatientTCP", listening: false, options: impatient)
        let peer = try await coordinator.connect(to: address!)
        // Calls other than the slow one go over the same peer with a deadline of their own, so a
        // busy machine does not fail them.
        let patient = TCPTestDeadlineChannel(peer: peer, deadline: .seconds(30))
        let control = try remoteProxy((any NodeControl).self, exportedAs: "$node", over: patient, registry: RemoteWorld.registry)
        _ = try await control.instantiate(RemoteWorld.echoPlan("echo"), path: "echo")
        try await control.start("echo")
        let echo = try remoteProxy((any Echo).self, exportedAs: "echo#e", over: peer, registry: RemoteWorld.registry)
        let patientEcho = try remoteProxy((any Echo).self, exportedAs: "echo#e", over: patient, registry: RemoteWorld.registry)

        let outcome = await TCPTestTimeout.run(within: .seconds(10)) { try await echo.slow(3_000) }
        switch outcome {
        case .timedOut:
            Issue.record("the call past its deadline hung")
        case .value(let value):
            Issue.record("the call past its deadline returned \(value)")
        case .failed(let error):
            #expect((error as? RemoteError)?.kind == .deadlineExceeded, "expected RemoteError .deadlineExceeded, got \(type(of: error)): \(error)")
            #expect((error as? RemoteError)?.node == "slowTCP")
        }
        #expect(peer.isConnected, "a missed deadline does not end the connection")
        #expect(try await patientEcho.echo(7) == 7)
        #expect(try await patientEcho.slow(10) == 10)
        #expect(try await control.info().name == "slowTCP")
        await coordinator.shutdown()
        await server.shutdown()
    }

    @Test func aResultOverTheFrameLimitFailsOnlyItsCall() async throws {
        var small = Self.options
        small.maximumFrameSize = 64 * 1024
        // Both sides with the same limit: a frame over it would make the caller's side close
        // the connection.
        let smallTransports = TransportRegistry([TCPTransport(authentication: .none, maximumFrameSize: 64 * 1024)])
        let (server, address) = try await node("smallFrames", transports: smallTransports, options: small)
        let (coordinator, _) = try await node("askingTooMuch", listening: false, transports: smallTransports, options: small)
        let peer = try await coordinator.connect(to: address!)
        let control = try remoteProxy((any NodeControl).self, exportedAs: "$node", over: peer, registry: RemoteWorld.registry)
        _ = try await control.instantiate(RemoteWorld.echoPlan("echo"), path: "echo")
        try await control.start("echo")
        let echo = try remoteProxy((any Echo).self, exportedAs: "echo#e", over: peer, registry: RemoteWorld.registry)

        #expect(try await echo.text(60_000).count == 60_000)
        do {
            _ = try await echo.text(100_000)
            Issue.record("a result over the frame limit came back")
        } catch let error as FractalError {
            #expect(error.kind == .resultTooLarge)
            #expect(error.node == "smallFrames")
            #expect(error.component == "echo")
            #expect(error.interface == "e")
        }
        #expect(peer.isConnected, "one call's result does not end the connection")
        #expect(try await echo.echo(7) == 7)
        await coordinator.shutdown()
        await server.shutdown()
    }

    // MARK: Clients that break the protocol

    @Test(arguments: TCPMisbehavior.allCases)
    func aConnectionThatBreaksTheProtocolIsClosedAndTheNodeStillServes(_ misbehavior: TCPMisbehavior) async throws {
        let small = TransportRegistry([TCPTransport(authentication: .none, maximumFrameSize: 64 << 10)])
        let name = "strict-\(misbehavior.rawValue)"
        let (server, address) = try await node(name, transports: small)
        let port = try #require(address?.port)

        let client = try TCPRawClient(port: port)
        defer { client.close() }
        switch misbehavior {
        case .garbage:
            var generator = SystemRandomNumberGenerator()
            var bytes = (0..<512).map { _ in UInt8.random(in: 0...255, using: &generator) }
            bytes[0] = UInt8.random(in: 1...255, using: &generator)  // not a frame: no valid length prefix
            try client.send(bytes)
        case .truncatedThenClose:
            let hello = Frame(.hello, payload: Hello(node: "truncating").encoded()).encoded()
            try client.send(Array(hello.prefix(hello.count - 3)))
            client.shutdownWrite()
        case .oversizedLength:
            // A header announcing a frame of 1 MiB to a node that accepts 64 KiB.
            var bytes: [UInt8] = []
            withUnsafeBytes(of: UInt32(1 << 20).bigEndian) { bytes.append(contentsOf: $0) }
            bytes.append(Frame.Kind.request.rawValue)
            withUnsafeBytes(of: UInt64(1).bigEndian) { bytes.append(contentsOf: $0) }
            bytes.append(contentsOf: [UInt8](repeating: 0xAB, count: 1024))
            try client.send(bytes)
        case .unknownKind:
            try client.send(Frame(.hello, payload: Hello(node: "odd").encoded()).encoded())
            var frame = Frame(.ping, stream: 3, payload: [1, 2, 3]).encoded()
            frame[4] = 0x55
            try client.send(frame)
        case .requestBeforeHello:
            try client.send(Frame(.request, stream: 1, payload: Array("not a hello".utf8)).encoded())
        case .secondHello:
            try client.send(Frame(.hello, payload: Hello(node: "twice").encoded()).encoded())
            // Wait for the node's hello, so the connection is established, then greet again.
            let greeting = await client.readFrames(until: { $0.contains { $0.kind == .hello } }, timeout: .seconds(5))
            #expect(greeting.frames.first?.kind == .hello, "the node answers with its hello")
            #expect(greeting.frames.first.map { String(decoding: $0.payload.dropFirst(2), as: UTF8.self) } == name)
            #expect(!greeting.closed, "the connection is open after one hello each")
            try client.send(Frame(.hello, payload: Hello(node: "twice").encoded()).encoded())
        }

        let result = await client.readUntilClosed(timeout: .seconds(5))
        #expect(result.closed, "\(misbehavior): the node did not close the connection within 5 s (read \(result.bytes.count) bytes)")

        // The node still serves a well-behaved node.
        let (coordinator, _) = try await node("afterwards-\(misbehavior.rawValue)", listening: false)
        let peer = try await coordinator.connect(to: address!)
        let control = try coordinator.control(of: peer)
        _ = try await control.instantiate(RemoteWorld.echoPlan("echo"), path: "echo")
        try await control.start("echo")
        let echo = try remoteProxy((any Echo).self, exportedAs: "echo#e", over: peer, registry: RemoteWorld.registry)
        #expect(try await echo.echo(99) == 99)
        #expect(try await control.info().name == name)
        await coordinator.shutdown()
        await server.shutdown()
    }

    /// By default requests are served on the task pool, leaving the event loop to the network;
    /// with `servesOnTransportThread` they run on the connection's event loop, and a caller that
    /// prefers `peer.executor` calls from there too.
    @Test(arguments: [false, true])
    func requestsAreServedOnTheEventLoopOnlyWhenAsked(onLoop: Bool) async throws {
        var options = Self.options
        options.servesOnTransportThread = onLoop
        let (server, address) = try await node("threads-\(onLoop)", options: options)
        let (coordinator, _) = try await node("threadCaller-\(onLoop)", listening: false)
        let peer = try await coordinator.connect(to: address!)
        let control = try coordinator.control(of: peer)
        _ = try await control.instantiate(RemoteWorld.plan("reporter", content: "remote.ThreadReporter", interfaces: [
            InterfaceType(name: "e", signature: "remote.Echo", role: .server),
        ]), path: "reporter")
        try await control.start("reporter")
        let reporter = try remoteProxy((any Echo).self, exportedAs: "reporter#e", over: peer, registry: RemoteWorld.registry)
        let key = "served-\(onLoop)"
        try await reporter.say(key)
        let thread = try #require(ThreadReporter.threads.withLock { $0[key] })
        #expect(thread.hasPrefix("NIO-") == onLoop, "served on thread '\(thread)'")

        // A caller on the connection's event loop gets its reply there, with no hop.
        #expect(peer.executor != nil)
        let answer = try await Task(executorPreference: peer.executor) { try await reporter.echo(7) }.value
        #expect(answer == 7)
        await coordinator.shutdown()
        await server.shutdown()
    }
}

/// Records the name of the thread each `say` ran on.
final class ThreadReporter: Echo {
    static let threads = Mutex<[String: String]>([:])

    func echo(_ value: Int) async throws -> Int { value }
    func slow(_ milliseconds: Int) async throws -> Int { milliseconds }
    func text(_ count: Int) async throws -> String { "" }
    func say(_ message: String) async throws {
        Self.threads.withLock { $0[message] = Self.currentThreadName() }
    }

    static func currentThreadName() -> String {
        #if canImport(Glibc)
        let comm = (try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8)) ?? "?"
        return comm.trimmingCharacters(in: .whitespacesAndNewlines)
        #else
        var name = [CChar](repeating: 0, count: 64)
        pthread_getname_np(pthread_self(), &name, name.count)
        return String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        #endif
    }
}

/// Calls over a peer with a deadline of their own instead of the peer's default.
struct TCPTestDeadlineChannel: CallChannel {
    let peer: Peer
    let deadline: Duration

    func send(_ request: [UInt8]) async throws -> [UInt8] {
        try await peer.call(request, deadline: deadline)
    }
}

/// Ways a raw client breaks the wire protocol.
enum TCPMisbehavior: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case garbage
    case truncatedThenClose
    case oversizedLength
    case unknownKind
    case requestBeforeHello
    case secondHello

    var testDescription: String { rawValue }
}

/// The outcome of an operation bounded in time.
enum TCPTestOutcome<Value: Sendable>: Sendable {
    case value(Value)
    case failed(any Error)
    case timedOut
}

enum TCPTestTimeout {
    /// Runs `body` in its own task and returns its outcome, or `.timedOut` after `limit`
    /// without waiting for a body that does not end (the test never hangs).
    static func run<Value: Sendable>(
        within limit: Duration, _ body: @escaping @Sendable () async throws -> Value
    ) async -> TCPTestOutcome<Value> {
        let once = TCPTestOnce<TCPTestOutcome<Value>>()
        let work = Task {
            do { once.deliver(.value(try await body())) } catch { once.deliver(.failed(error)) }
        }
        let timer = Task {
            try? await Task.sleep(for: limit)
            once.deliver(.timedOut)
        }
        let outcome = await once.value()
        timer.cancel()
        if case .timedOut = outcome { work.cancel() }
        return outcome
    }
}

/// A value delivered once, from any task, to one waiter.
final class TCPTestOnce<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var result: Value?
    private var waiter: CheckedContinuation<Value, Never>?

    func deliver(_ value: Value) {
        let waiting: CheckedContinuation<Value, Never>? = lock.withLock {
            guard result == nil else { return nil }
            result = value
            defer { waiter = nil }
            return waiter
        }
        waiting?.resume(returning: value)
    }

    func value() async -> Value {
        await withCheckedContinuation { continuation in
            let ready: Value? = lock.withLock {
                if let result { return result }
                waiter = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}

/// A plain POSIX TCP client to 127.0.0.1 that can send anything. Reads poll without blocking
/// and sleep between polls, so they never hold a thread of the cooperative pool.
final class TCPRawClient: @unchecked Sendable {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    private let lock = NSLock()
    private var descriptor: Int32

    init(port: Int) throws {
        let fd = socket(AF_INET, rawSocketStream, 0)
        guard fd >= 0 else { throw Failure(description: "socket: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            let error = errno
            rawClose(fd)
            throw Failure(description: "connect to 127.0.0.1:\(port): errno \(error)")
        }
        descriptor = fd
    }

    func send(_ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let count = bytes.withUnsafeBytes { buffer in
                rawSend(descriptor, buffer.baseAddress! + sent, buffer.count - sent)
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw Failure(description: "send: errno \(errno)")
            }
            sent += count
        }
    }

    /// Sends what the socket takes now, without waiting: the bytes taken (0 when its buffer is full).
    func sendWithoutWaiting(_ bytes: [UInt8]) -> Int {
        let flags = fcntl(descriptor, F_GETFL)
        if flags & O_NONBLOCK == 0 { _ = fcntl(descriptor, F_SETFL, flags | O_NONBLOCK) }
        let count = bytes.withUnsafeBytes { rawSend(descriptor, $0.baseAddress!, $0.count) }
        return max(count, 0)
    }

    func shutdownWrite() {
        _ = shutdown(descriptor, Int32(SHUT_WR))
    }

    /// Reads until the other side closes (end of file or reset) or `timeout` passes.
    func readUntilClosed(timeout: Duration) async -> (bytes: [UInt8], closed: Bool) {
        var bytes: [UInt8] = []
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            switch readAvailable(into: &bytes) {
            case .closed: return (bytes, true)
            case .more: continue
            case .nothing: try? await Task.sleep(for: .milliseconds(10))
            }
        }
        return (bytes, false)
    }

    /// Reads until at least `count` bytes have come (more may follow in `pending`), the
    /// connection closes, or `timeout` passes; returns exactly `count` bytes, or nil.
    func read(_ count: Int, timeout: Duration) async -> [UInt8]? {
        let deadline = ContinuousClock.now + timeout
        while pending.count < count && ContinuousClock.now < deadline {
            switch readAvailable(into: &pending) {
            case .closed: return nil
            case .more: continue
            case .nothing: try? await Task.sleep(for: .milliseconds(5))
            }
        }
        guard pending.count >= count else { return nil }
        defer { pending.removeFirst(count) }
        return Array(pending.prefix(count))
    }

    /// Bytes read by ``read(_:timeout:)`` beyond what it returned.
    private var pending: [UInt8] = []

    /// Reads and decodes frames until `done` holds for those read, the connection closes, or `timeout` passes.
    func readFrames(until done: ([Frame]) -> Bool, timeout: Duration) async -> (frames: [Frame], closed: Bool) {
        var decoder = FrameDecoder()
        decoder.append(pending)
        pending = []
        var frames: [Frame] = []
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            var bytes: [UInt8] = []
            let state = readAvailable(into: &bytes)
            decoder.append(bytes)
            while let frame = try? decoder.next() { frames.append(frame) }
            if done(frames) { return (frames, false) }
            switch state {
            case .closed: return (frames, true)
            case .more: continue
            case .nothing: try? await Task.sleep(for: .milliseconds(10))
            }
        }
        return (frames, false)
    }

    private enum ReadState { case more, nothing, closed }

    private func readAvailable(into bytes: inout [UInt8]) -> ReadState {
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        let ready = poll(&poller, 1, 0)
        guard ready > 0 else { return .nothing }
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress!, $0.count, Int32(MSG_DONTWAIT)) }
        if count > 0 {
            bytes.append(contentsOf: chunk[0..<count])
            return .more
        }
        if count == 0 { return .closed }
        switch errno {
        case EAGAIN, EWOULDBLOCK, EINTR: return .nothing
        default: return .closed  // ECONNRESET and the like: closed by the other side
        }
    }

    func close() {
        lock.withLock {
            if descriptor >= 0 {
                rawClose(descriptor)
                descriptor = -1
            }
        }
    }

    deinit { close() }
}
