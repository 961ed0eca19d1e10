import Fractal
import FractalADL
import FractalNIO
import FractalRemote
import Histogram
import NIOCore
import NIOPosix
import Synchronization

// Remote calls between two nodes over TCP, against raw SwiftNIO moving the same bytes.
//
//   swift build -c release --product RemoteCalls
//   .build/release/RemoteCalls [seconds per phase (3)] [warm-up seconds (1)] [in flight (64)] [phases]
//
// `phases` is `all` (the default), `remote`, `loop`, `raw`, `hops`, or one phase alone (for a
// profiler): `remote1`, `remoteN`, `loop1`, `loopN`, `raw1`, `rawN`, `hops1`, `hopsN`, `loopback`.
// `--nio-executor` (an experiment, not the default): installs NIO's singleton event loop group as
// Swift concurrency's global executor first, so tasks and channels share the same two threads.
//
// Everything runs in this process on 127.0.0.1, on NIO's singleton event loop group:
// - remote: a server `Node` hosts a component whose `Echo` interface returns the 16 bytes it is
//   given; a client `Node` connects over `TCPTransport` and calls through
//   `remoteProxy(…, over: peer)`, either one call at a time from one detached task, or from
//   N concurrent detached tasks, each looping (N calls in flight on the one connection).
// - loop: the same, in the opt-in configuration for code that never blocks: the server node
//   serves on its connection's event loop (`PeerOptions.servesOnTransportThread`) and the
//   calling tasks prefer the client connection's event loop (`peer.executor`), so a call
//   changes threads only where the bytes cross the socket, as in the raw echo.
// - raw: a NIO echo server (a handler that writes back what it reads) and a handler-based NIO
//   client on the event loop that sends messages of exactly the remote request frame's size
//   and waits for as many bytes back: one at a time, or N pipelined on one connection
//   (replies counted by bytes, the next message written as soon as one reply is complete,
//   flushed once per read burst). The server's connection and the client run on different
//   event loops, so each end has its own thread, as between two nodes.
// - hops: raw NIO again, the same messages on the same two event loops, but with the thread
//   hand-offs a remote call cannot avoid, and nothing else (no framing, no encoding, no peer).
//   A remote caller is a task on the cooperative pool: its send hops to the event loop and the
//   reply resumes it back on the pool; the server serves each request in a task on the pool (its
//   event loop stays free for heartbeats) and the reply hops back to the event loop: 4 hand-offs
//   per round trip more than the raw echo. Here the server's handler starts a plain `Task` for
//   each complete message, which writes the message back (the same size, as in the raw phases)
//   with `channel.writeAndFlush`; the client is 1 or N detached tasks, like the remote phases,
//   each looping: `writeAndFlush` of one message from the task, whose promise the client
//   handler keeps (in a FIFO on the event loop) and completes when a reply's bytes are in, and
//   an await of that promise. The server's tasks may finish out of order; replies are all alike,
//   so the FIFO still pairs each with one request, and counts are exact (latencies per call may
//   be swapped between calls in flight). The ratio of the remote rows to these is analysis: what
//   the remote path costs beyond the hand-offs themselves.
// - one more row, for analysis only: the same calls through a `LoopbackChannel` to an
//   `ExportTable` in this process — the serialising path (JSON, call message, dispatch through
//   the membrane) without a peer, a transport or a socket.
//
// Every phase runs `warm-up + seconds`; only calls that complete after the warm-up count, in
// ops/s and in the latency histogram (send to reply, per call). Every loop is bounded in time
// and in count (`maximumOps`).

// `public`, not internal, on purpose: with an internal @Interface protocol whose only
// hand-written conformer in this module is `EchoImpl`, the release build (whole-module
// optimisation) turned every call through the remote proxy into a direct call of
// `EchoImpl.echo` — no bytes on the wire, ~0 ns per "remote" call. The optimiser's
// sole-conforming-type analysis does not seem to see the macro-generated `EchoProxy`
// conformance. A public protocol may have conformers elsewhere, so it cannot assume that.
@Interface("bench.Echo")
public protocol Echo: Sendable {
    func echo(_ bytes: [UInt8]) async throws -> [UInt8]
}

final class EchoImpl: Echo {
    func echo(_ bytes: [UInt8]) async throws -> [UInt8] { bytes }
}

// MARK: Settings

let flags = Set(CommandLine.arguments.dropFirst().filter { $0.hasPrefix("--") })
let arguments = CommandLine.arguments.dropFirst().filter { !$0.hasPrefix("--") }
let nioExecutor = flags.contains("--nio-executor")
    && NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
let seconds = arguments.count > 0 ? Double(arguments[0]) ?? 3 : 3
let warmUp = arguments.count > 1 ? Double(arguments[1]) ?? 1 : 1
let inFlight = arguments.count > 2 ? max(1, Int(arguments[2]) ?? 64) : 64
let which = arguments.count > 3 ? arguments[3] : "all"
func runs(_ phase: String) -> Bool {
    switch which {
    case "all": true
    case "remote", "raw", "hops", "loop": phase.hasPrefix(which)
    default: phase == which
    }
}
let payload = (0..<16).map { UInt8($0) }
/// A bound on the calls of one phase, whatever the clock says.
let maximumOps = 50_000_000
let group = MultiThreadedEventLoopGroup.singleton

// MARK: Measuring

/// Monotonic nanoseconds (CLOCK_MONOTONIC).
@inline(__always) func now() -> UInt64 { NIODeadline.now().uptimeNanoseconds }

func nanoseconds(_ seconds: Double) -> UInt64 { UInt64(seconds * 1e9) }

func newHistogram() -> Histogram<UInt64> {
    // Nanoseconds, up to 100 s, 3 significant digits.
    Histogram<UInt64>(highestTrackableValue: 100_000_000_000, numberOfSignificantValueDigits: .three)
}

/// The window of a phase: warm-up until `measureFrom`, then counted until `end`.
struct Window: Sendable {
    let measureFrom: UInt64
    let end: UInt64

    static func starting() -> Window {
        let start = now()
        return Window(measureFrom: start + nanoseconds(warmUp), end: start + nanoseconds(warmUp + seconds))
    }

    var measuredSeconds: Double { Double(end - measureFrom) / 1e9 }
}

struct Outcome: Sendable {
    var label: String
    var inFlight: Int
    var histogram = newHistogram()
    var errors = 0
    var seconds: Double

    var opsPerSecond: Double { Double(histogram.totalCount) / seconds }
    func microseconds(atPercentile percentile: Double) -> Double { Double(histogram.valueAtPercentile(percentile)) / 1000 }
}

/// Sizes the remote path puts on the wire, seen by a channel that wraps the peer.
final class SizeProbe: CallChannel {
    let inner: any CallChannel
    let sizes = Mutex<(request: Int, reply: Int)>((0, 0))

    init(_ inner: any CallChannel) { self.inner = inner }

    func send(_ request: [UInt8]) async throws -> [UInt8] {
        let reply = try await inner.send(request)
        sizes.withLock { $0 = (request.count, reply.count) }
        return reply
    }
}

/// Frame header on the wire: length (4), kind (1), stream (8).
let frameOverhead = 13

// MARK: Remote: two nodes over TCPTransport

/// How one call of a loop went.
enum Attempt { case answered, wrong, connectionGone }

/// Makes calls one after the other until the window's end or `budget` calls, recording the
/// latency of those that complete after the warm-up; counts wrong answers and failures (a
/// lost connection ends the loop).
func timedLoop(window: Window, budget: Int, _ call: () async -> Attempt) async -> (Histogram<UInt64>, Int) {
    var histogram = newHistogram()
    var errors = 0
    var count = 0
    while count < budget {
        let start = now()
        if start >= window.end { break }
        let attempt = await call()
        if attempt != .answered { errors += 1 }
        if attempt == .connectionGone { break }
        let done = now()
        count += 1
        if done >= window.measureFrom && done <= window.end { _ = histogram.record(done - start) }
    }
    return (histogram, errors)
}

func remoteLoop(_ echo: any Echo, window: Window, budget: Int) async -> (Histogram<UInt64>, Int) {
    await timedLoop(window: window, budget: budget) {
        do {
            return try await echo.echo(payload).count == payload.count ? .answered : .wrong
        } catch {
            return .wrong
        }
    }
}

func measureRemote(_ echo: any Echo, tasks: Int, label: String, executor: (any TaskExecutor)? = nil) async -> Outcome {
    await measureTasks(tasks, label: label, window: Window.starting(), executor: executor) { window, budget in
        await remoteLoop(echo, window: window, budget: budget)
    }
}

/// Runs `loop` in `tasks` child tasks (on the global executor), each with its share of
/// `maximumOps`, and adds up their histograms and errors.
func measureTasks(
    _ tasks: Int, label: String, window: Window, executor: (any TaskExecutor)? = nil,
    _ loop: @escaping @Sendable (Window, Int) async -> (Histogram<UInt64>, Int)
) async -> Outcome {
    let budget = maximumOps / tasks
    let results = await withTaskGroup(of: (Histogram<UInt64>, Int).self) { group in
        for _ in 0..<tasks {
            group.addTask(executorPreference: executor) { await loop(window, budget) }
        }
        var all: [(Histogram<UInt64>, Int)] = []
        for await result in group { all.append(result) }
        return all
    }
    var outcome = Outcome(label: label, inFlight: tasks, seconds: window.measuredSeconds)
    for (histogram, errors) in results {
        outcome.histogram.add(histogram)
        outcome.errors += errors
    }
    return outcome
}

struct RemoteSetup {
    let server: Node
    let client: Node
    let echo: any Echo
    /// The event loop of the client's connection, for callers that run there.
    let executor: (any TaskExecutor)?
    /// The same interface through a `LoopbackChannel`: the serialising path alone.
    let loopback: any Echo
    let requestFrame: Int
    let replyFrame: Int
}

func setUpRemote(onLoops: Bool = false, authentication: TCPAuthentication = .sharedSecret(.random())) async throws -> RemoteSetup {
    Registry.shared.register(EchoProxy.self)
    var options = PeerOptions()
    options.callDeadline = .seconds(10)
    options.servesOnTransportThread = onLoops
    let transports = TransportRegistry([TCPTransport(authentication: authentication, group: group)])
    let server = Node(name: onLoops ? "benchLoopServer" : "benchServer", transports: transports, options: options)
    let client = Node(name: onLoops ? "benchLoopClient" : "benchClient", transports: transports, options: options)
    let address = try await server.listen(at: NodeAddress(parsing: "tcp://127.0.0.1:0"))
    let component = try Component.primitive(
        "echo", type: ComponentType([InterfaceType(name: "e", signature: EchoProxy.self, role: .server)]),
        content: EchoImpl())
    try server.host(component, at: "/bench/echo")
    try await component.lifeCycleController.start()
    let peer = try await client.connect(to: address)

    let probe = SizeProbe(peer)
    let probing = try remoteProxy((any Echo).self, exportedAs: "/bench/echo#e", over: probe)
    let answer = try await probing.echo(payload)
    precondition(answer == payload, "the remote echo answered \(answer)")
    let sizes = probe.sizes.withLock { $0 }
    precondition(sizes.request > 0, "the call did not go through the channel (see the note on `Echo`)")
    let echo = try remoteProxy((any Echo).self, exportedAs: "/bench/echo#e", over: peer)
    let exports = ExportTable()
    try exports.export(component.interface(named: "e"), as: "/bench/echo#e")
    let loopback = try remoteProxy((any Echo).self, exportedAs: "/bench/echo#e", over: LoopbackChannel(exports))
    return RemoteSetup(server: server, client: client, echo: echo, executor: onLoops ? peer.executor : nil, loopback: loopback,
                       requestFrame: sizes.request + frameOverhead, replyFrame: sizes.reply + frameOverhead)
}

// MARK: Raw NIO: an echo server, a pipelining client

/// Writes back what it reads; flushes once per read burst.
final class EchoServerHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.write(data, promise: nil)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
        context.fireChannelReadComplete()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

struct RawResult: Sendable {
    var histogram: Histogram<UInt64>
    var errors: Int
}

/// Keeps `depth` messages of `message.readableBytes` bytes in flight; a reply is complete
/// when that many bytes more have come back (replies come back in order on one connection).
final class RawClientHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let message: ByteBuffer
    private let depth: Int
    private let window: Window
    private let promise: EventLoopPromise<RawResult>
    private var histogram = newHistogram()
    /// Send times of the messages in flight, oldest first (a ring of `depth` slots).
    private var sentAt: [UInt64]
    private var oldest = 0
    private var inFlight = 0
    private var issued = 0
    private var received = 0
    private var stopped = false
    private var finished = false
    private var needsFlush = false
    private var timeout: Scheduled<Void>?

    init(message: ByteBuffer, depth: Int, window: Window, promise: EventLoopPromise<RawResult>) {
        self.message = message
        self.depth = depth
        self.window = window
        self.promise = promise
        sentAt = Array(repeating: 0, count: depth)
    }

    private func send(context: ChannelHandlerContext, at time: UInt64) {
        sentAt[(oldest + inFlight) % depth] = time
        inFlight += 1
        issued += 1
        context.write(wrapOutboundOut(message), promise: nil)
        needsFlush = true
    }

    func channelActive(context: ChannelHandlerContext) {
        let time = now()
        for _ in 0..<depth { send(context: context, at: time) }
        context.flush()
        needsFlush = false
        // A bound on the wait for the last replies.
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        timeout = context.eventLoop.scheduleTask(in: .nanoseconds(Int64(window.end - time)) + .seconds(10)) {
            let (handler, context) = bound.value
            handler.finish(context: context, error: "replies still missing 10 s after the phase's end")
        }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        received += unwrapInboundIn(data).readableBytes
        let size = message.readableBytes
        guard received >= size else { return }
        let time = now()
        while received >= size && inFlight > 0 {
            received -= size
            let start = sentAt[oldest]
            oldest = (oldest + 1) % depth
            inFlight -= 1
            if time >= window.measureFrom && time <= window.end { _ = histogram.record(time - start) }
            if time < window.end && issued < maximumOps {
                send(context: context, at: time)
            } else {
                stopped = true
            }
        }
        if stopped && inFlight == 0 { finish(context: context, error: nil) }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if needsFlush {
            needsFlush = false
            context.flush()
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(context: context, error: "the connection closed")
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        finish(context: context, error: "\(error)")
    }

    private func finish(context: ChannelHandlerContext, error: String?) {
        guard !finished else { return }
        finished = true
        timeout?.cancel()
        timeout = nil
        promise.succeed(RawResult(histogram: histogram, errors: error == nil ? 0 : 1))
        if let error { print("raw client: \(error)") }
        context.close(promise: nil)
    }
}

/// The event loops of the raw phases: the server's connection on one, the client on the other,
/// so that, as between two nodes, each end has its own thread.
let rawLoops: (server: any EventLoop, client: any EventLoop) = {
    let loops = Array(group.makeIterator())
    return (loops[0], loops[loops.count > 1 ? 1 : 0])
}()

/// A server on 127.0.0.1 whose connections (on `rawLoops.server`) each get `makeHandler()`.
func startRawServer(
    _ makeHandler: @escaping @Sendable () -> any ChannelHandler = { EchoServerHandler() }
) async throws -> (channel: any Channel, port: Int) {
    let channel = try await ServerBootstrap(group: rawLoops.server, childGroup: rawLoops.server)
        .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
        .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
        .childChannelInitializer { channel in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(makeHandler())
            }
        }
        .bind(host: "127.0.0.1", port: 0).get()
    return (channel, channel.localAddress!.port!)
}

func measureRaw(port: Int, messageSize: Int, depth: Int, label: String) async throws -> Outcome {
    let loop = rawLoops.client
    let promise = loop.makePromise(of: RawResult.self)
    let message = ByteBuffer(repeating: 0x2A, count: messageSize)
    let window = Window.starting()
    _ = try await ClientBootstrap(group: loop)
        .channelOption(.socketOption(.tcp_nodelay), value: 1)
        .connectTimeout(.seconds(5))
        .channelInitializer { channel in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(
                    RawClientHandler(message: message, depth: depth, window: window, promise: promise))
            }
        }
        .connect(host: "127.0.0.1", port: port).get()
    let result = try await promise.futureResult.get()
    return Outcome(label: label, inFlight: depth, histogram: result.histogram, errors: result.errors, seconds: window.measuredSeconds)
}

// MARK: Raw NIO with the thread hops of a remote call

/// For each complete message of `messageSize` bytes read, starts a task on the global
/// executor that writes the message back with `channel.writeAndFlush` (hopping back to the
/// event loop): the hand-offs of a node serving a request off its event loop, nothing more.
final class HopsServerHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let messageSize: Int
    /// The start of a message whose other bytes have not come yet.
    private var partial: ByteBuffer?

    init(messageSize: Int) { self.messageSize = messageSize }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        if var earlier = partial {
            partial = nil
            earlier.writeBuffer(&bytes)
            bytes = earlier
        }
        let channel = context.channel
        while let message = bytes.readSlice(length: messageSize) {
            Task { channel.writeAndFlush(message, promise: nil) }
        }
        if bytes.readableBytes > 0 { partial = bytes }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

/// The client side of the hops phases. A task writes a message with
/// `channel.writeAndFlush(message, promise: reply)`; here, on the event loop, `reply` is kept
/// in a FIFO instead of being completed when the bytes are written, and is succeeded when
/// `messageSize` bytes more have come back (replies come back in order on one connection, and
/// are all alike). A write that no longer reaches this handler (the connection closed) fails
/// its promise in the pipeline's head, so no task waits for a reply that cannot come.
final class HopsClientHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let messageSize: Int
    private var waiting = CircularBuffer<EventLoopPromise<Void>>()
    private var received = 0
    private var closed = false

    init(messageSize: Int) { self.messageSize = messageSize }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if let promise {
            guard !closed else { return promise.fail(ChannelError.ioOnClosedChannel) }
            waiting.append(promise)
        }
        context.write(data, promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        received += unwrapInboundIn(data).readableBytes
        while received >= messageSize, let reply = waiting.popFirst() {
            received -= messageSize
            reply.succeed()
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        failWaiting(ChannelError.ioOnClosedChannel)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        failWaiting(error)
        context.close(promise: nil)
    }

    private func failWaiting(_ error: any Error) {
        closed = true
        while let reply = waiting.popFirst() { reply.fail(error) }
    }
}

/// One task's calls in the hops phases: write, await the reply, again, until the window's end.
func hopsLoop(_ channel: any Channel, message: ByteBuffer, window: Window, budget: Int) async -> (Histogram<UInt64>, Int) {
    await timedLoop(window: window, budget: budget) {
        let reply = channel.eventLoop.makePromise(of: Void.self)
        channel.writeAndFlush(message, promise: reply)
        do {
            try await reply.futureResult.get()
            return .answered
        } catch {
            // The connection is gone; the other tasks see the same.
            return .connectionGone
        }
    }
}

func measureHops(port: Int, messageSize: Int, tasks: Int, label: String) async throws -> Outcome {
    let message = ByteBuffer(repeating: 0x2A, count: messageSize)
    let window = Window.starting()
    let channel = try await ClientBootstrap(group: rawLoops.client)
        .channelOption(.socketOption(.tcp_nodelay), value: 1)
        .connectTimeout(.seconds(5))
        .channelInitializer { channel in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(HopsClientHandler(messageSize: messageSize))
            }
        }
        .connect(host: "127.0.0.1", port: port).get()
    // A bound on the wait for the last replies: closing fails every promise still waiting.
    let timeout = channel.eventLoop.scheduleTask(deadline: .uptimeNanoseconds(window.end) + .seconds(10)) {
        print("hops client: replies still missing 10 s after the phase's end")
        channel.close(promise: nil)
    }
    let outcome = await measureTasks(tasks, label: label, window: window) { window, budget in
        await hopsLoop(channel, message: message, window: window, budget: budget)
    }
    timeout.cancel()
    try? await channel.close()
    return outcome
}

// MARK: Report

func formatted(_ value: Double, digits: Int = 1) -> String {
    let scale = (0..<digits).reduce(1.0) { acc, _ in acc * 10 }
    return "\((value * scale).rounded() / scale)"
}

func row(_ outcome: Outcome) {
    let errors = outcome.errors == 0 ? "" : " (\(outcome.errors) errors)"
    print("| \(outcome.label) | \(outcome.inFlight) | \(formatted(outcome.opsPerSecond, digits: 0)) | "
        + "\(formatted(outcome.microseconds(atPercentile: 50))) | \(formatted(outcome.microseconds(atPercentile: 99)))\(errors) |")
}

// MARK: Run

let hopsLabel = "NIO echo with the same thread hops (tasks)"
let remoteLabel = "remote call (Node/TCPTransport)"
let onLoopsLabel = "remote call, caller and server on the event loops"
let insecureLabel = "remote call, unauthenticated TCP (--insecure-tcp)"

/// Median time to open a connection between two nodes, hello exchange included, over
/// `count` connections: each from a new client node, closed before the next.
func medianConnectMicroseconds(to address: NodeAddress, authentication: TCPAuthentication, count: Int) async throws -> Double {
    var samples: [Double] = []
    let transports = TransportRegistry([TCPTransport(authentication: authentication, group: group)])
    for index in 0..<count {
        let client = Node(name: "connector\(index)", transports: transports)
        let start = ContinuousClock.now
        _ = try await client.connect(to: address)
        let elapsed = ContinuousClock.now - start
        samples.append(Double(elapsed.components.seconds) * 1e6 + Double(elapsed.components.attoseconds) / 1e12)
        await client.shutdown()
    }
    return samples.sorted()[samples.count / 2]
}

/// The outcomes, and the median connection times with a secret and without (µs) when measured.
let (results, connectTimes) = try await Task.detached { () async throws -> ([Outcome], (secret: Double, plain: Double)?) in
    var results: [Outcome] = []
    var connectTimes: (secret: Double, plain: Double)?
    // The remote setup also tells the raw phases their message size: the remote request frame's.
    let remote = try await setUpRemote()
    let messageSize = remote.requestFrame
    print("RemoteCalls: \(warmUp) s warm-up + \(seconds) s per phase; echo of \(payload.count) bytes; "
        + "remote request frame \(remote.requestFrame) bytes, reply frame \(remote.replyFrame) bytes; "
        + "raw and hops messages of \(messageSize) bytes echoed back; \(System.coreCount) cores"
        + (nioExecutor ? "; tasks on NIO's event loops (--nio-executor)" : ""))
    if runs("remote1") {
        results.append(await measureRemote(remote.echo, tasks: 1, label: remoteLabel))
    }
    if runs("remoteN") {
        results.append(await measureRemote(remote.echo, tasks: inFlight, label: remoteLabel))
    }
    if runs("insecure1") || runs("insecureN") {
        let insecure = try await setUpRemote(authentication: .none)
        if runs("insecure1") { results.append(await measureRemote(insecure.echo, tasks: 1, label: insecureLabel)) }
        if runs("insecureN") { results.append(await measureRemote(insecure.echo, tasks: inFlight, label: insecureLabel)) }
        await insecure.client.shutdown()
        await insecure.server.shutdown()
    }
    if runs("loop1") || runs("loopN") {
        let onLoops = try await setUpRemote(onLoops: true)
        if runs("loop1") {
            results.append(await measureRemote(onLoops.echo, tasks: 1, label: onLoopsLabel, executor: onLoops.executor))
        }
        if runs("loopN") {
            results.append(await measureRemote(onLoops.echo, tasks: inFlight, label: onLoopsLabel, executor: onLoops.executor))
        }
        await onLoops.client.shutdown()
        await onLoops.server.shutdown()
    }
    if runs("loopback") {
        results.append(await measureRemote(remote.loopback, tasks: 1, label: "serialising path only, no network (LoopbackChannel)"))
    }
    if runs("raw1") || runs("rawN") {
        let (server, port) = try await startRawServer()
        if runs("raw1") {
            results.append(try await measureRaw(port: port, messageSize: messageSize, depth: 1, label: "raw NIO echo"))
        }
        if runs("rawN") {
            results.append(try await measureRaw(port: port, messageSize: messageSize, depth: inFlight, label: "raw NIO echo, pipelined"))
        }
        try? await server.close()
    }
    if runs("hops1") || runs("hopsN") {
        let (server, port) = try await startRawServer { HopsServerHandler(messageSize: messageSize) }
        if runs("hops1") {
            results.append(try await measureHops(port: port, messageSize: messageSize, tasks: 1, label: hopsLabel))
        }
        if runs("hopsN") {
            results.append(try await measureHops(port: port, messageSize: messageSize, tasks: inFlight, label: hopsLabel))
        }
        try? await server.close()
    }
    await remote.client.shutdown()
    await remote.server.shutdown()
    if runs("connect") {
        // Both kinds of listener, connected to in turn, so that both see the same machine.
        let secret = CommunitySecret.random()
        var listeners: [(Node, NodeAddress, TCPAuthentication)] = []
        for (name, authentication) in [("connectSecret", TCPAuthentication.sharedSecret(secret)), ("connectPlain", .none)] {
            let node = Node(name: name, transports: TransportRegistry([TCPTransport(authentication: authentication, group: group)]))
            listeners.append((node, try await node.listen(at: NodeAddress(parsing: "tcp://127.0.0.1:0")), authentication))
        }
        var medians: [[Double]] = [[], []]
        for _ in 0..<5 {
            for (index, (_, address, authentication)) in listeners.enumerated() {
                medians[index].append(try await medianConnectMicroseconds(to: address, authentication: authentication, count: 40))
            }
        }
        for (node, _, _) in listeners { await node.shutdown() }
        connectTimes = (medians[0].sorted()[2], medians[1].sorted()[2])
    }
    return (results, connectTimes)
}.value

print("")
print("| path | in flight | ops/s | p50 µs | p99 µs |")
print("|---|---:|---:|---:|---:|")
for outcome in results { row(outcome) }

let remoteOne = results.first { $0.label == remoteLabel && $0.inFlight == 1 }
let remoteMany = results.first { $0.label == remoteLabel && $0.inFlight == inFlight && inFlight > 1 }
let rawOne = results.first { $0.label.hasPrefix("raw") && $0.inFlight == 1 }
let rawMany = results.first { $0.label.hasPrefix("raw") && $0.inFlight == inFlight && inFlight > 1 }
print("")
for (configuration, label) in [("default: served on the task pool", remoteLabel), ("opt-in: on the event loops", onLoopsLabel)] {
    let one = results.first { $0.label == label && $0.inFlight == 1 }
    let many = results.first { $0.label == label && $0.inFlight == inFlight && inFlight > 1 }
    if let one, let rawOne {
        let p50 = one.microseconds(atPercentile: 50) / rawOne.microseconds(atPercentile: 50)
        let p99 = one.microseconds(atPercentile: 99) / rawOne.microseconds(atPercentile: 99)
        print("\(configuration): round trip, one in flight, remote/raw: p50 \(formatted(p50, digits: 2))× (goal ≤ 1.5×) "
            + "\(p50 <= 1.5 ? "met" : "NOT met"), p99 \(formatted(p99, digits: 2))×, ops/s \(formatted(one.opsPerSecond / rawOne.opsPerSecond, digits: 2))×")
    }
    if let many, let rawMany {
        let ratio = many.opsPerSecond / rawMany.opsPerSecond
        print("\(configuration): throughput, \(inFlight) in flight, remote/raw: \(formatted(ratio, digits: 3))× (goal ≥ 0.7×) \(ratio >= 0.7 ? "met" : "NOT met")")
    }
}
let hopsOne = results.first { $0.label == hopsLabel && $0.inFlight == 1 }
let hopsMany = results.first { $0.label == hopsLabel && $0.inFlight == inFlight && inFlight > 1 }
var versusHops: [String] = []
if let remoteOne, let hopsOne {
    let p50 = remoteOne.microseconds(atPercentile: 50) / hopsOne.microseconds(atPercentile: 50)
    versusHops.append("p50 \(formatted(p50, digits: 2))×")
}
if let remoteMany, let hopsMany {
    versusHops.append("\(inFlight) in flight \(formatted(remoteMany.opsPerSecond / hopsMany.opsPerSecond, digits: 2))× (ops/s)")
}
if !versusHops.isEmpty {
    print("analysis, no goal: remote vs. the same hops on raw NIO: " + versusHops.joined(separator: "; "))
}
// What the shared secret costs: nothing per call once connected (the handshake handler has left
// the pipeline), one round trip more when connecting.
let insecureOne = results.first { $0.label == insecureLabel && $0.inFlight == 1 }
let insecureMany = results.first { $0.label == insecureLabel && $0.inFlight == inFlight && inFlight > 1 }
if let remoteOne, let insecureOne {
    print("authentication, per call, one in flight, secret/none: p50 \(formatted(remoteOne.microseconds(atPercentile: 50) / insecureOne.microseconds(atPercentile: 50), digits: 3))×, "
        + "ops/s \(formatted(remoteOne.opsPerSecond / insecureOne.opsPerSecond, digits: 3))×")
}
if let remoteMany, let insecureMany {
    print("authentication, per call, \(inFlight) in flight, secret/none: ops/s \(formatted(remoteMany.opsPerSecond / insecureMany.opsPerSecond, digits: 3))×")
}
if let connectTimes {
    print("authentication, opening a connection (hellos included), median of 5 × 40: secret \(formatted(connectTimes.secret)) µs, "
        + "none \(formatted(connectTimes.plain)) µs, \(formatted(connectTimes.secret / connectTimes.plain, digits: 2))×")
}
