import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// A small HTTP/1.1 server on SwiftNIO for tests and examples: it answers every request with a
/// fixed body, counts what it served, and misbehaves on command (a pause, closed connections,
/// garbage, silence), so that an injector can be tested against each failure.
public final class StubHTTPServer: Sendable {
    public enum Behavior: Sendable {
        /// `200 OK` with this body, keep-alive.
        case respond(String)
        /// Closes every connection as soon as a request arrives, without answering.
        case closeEveryConnection
        /// Answers with bytes that are not HTTP.
        case garbage
        /// Reads requests and never answers.
        case silent
    }

    public let port: Int
    private let channel: any Channel
    private let group: MultiThreadedEventLoopGroup
    private let state: NIOLockedValueBox<State>

    struct State {
        var behavior: Behavior
        /// Responses are held until then (uptime nanoseconds).
        var pausedUntil: UInt64 = 0
        var served = 0
        var received = 0
    }

    private let secure: Bool

    private init(port: Int, channel: any Channel, group: MultiThreadedEventLoopGroup, state: NIOLockedValueBox<State>, secure: Bool) {
        self.port = port
        self.secure = secure
        self.channel = channel
        self.group = group
        self.state = state
    }

    /// Starts listening on `host` (a loopback address) and a free port unless one is given;
    /// over TLS when given a PEM certificate chain and key.
    public static func start(host: String = "127.0.0.1", port: Int = 0, behavior: Behavior = .respond("hello world\n"), threads: Int = 1,
                             tls: (certificate: String, key: String)? = nil) async throws -> StubHTTPServer {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        let state = NIOLockedValueBox(State(behavior: behavior))
        let context = try tls.map { tls in
            try NIOSSLContext(configuration: .makeServerConfiguration(
                certificateChain: try NIOSSLCertificate.fromPEMFile(tls.certificate).map { .certificate($0) },
                privateKey: .privateKey(try NIOSSLPrivateKey(file: tls.key, format: .pem))))
        }
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                do {
                    let sync = channel.pipeline.syncOperations
                    if let context { try sync.addHandler(NIOSSLServerHandler(context: context)) }
                    if case .garbage = state.withLockedValue({ $0.behavior }) {
                        try sync.addHandler(GarbageResponder(state: state))
                        return channel.eventLoop.makeSucceededVoidFuture()
                    }
                    try sync.configureHTTPServerPipeline(withErrorHandling: true)
                    try sync.addHandler(Responder(state: state))
                    return channel.eventLoop.makeSucceededVoidFuture()
                } catch {
                    return channel.eventLoop.makeFailedFuture(error)
                }
            }
        let channel = try await bootstrap.bind(host: host, port: port).get()
        return StubHTTPServer(port: channel.localAddress?.port ?? port, channel: channel, group: group, state: state, secure: tls != nil)
    }

    /// `http://127.0.0.1:PORT` (`https://` over TLS).
    public var baseURL: String { "\(secure ? "https" : "http")://127.0.0.1:\(port)" }

    /// Holds every response (those being answered and those to come) for `seconds` from now.
    public func pause(for seconds: Double) {
        let until = NIODeadline.now().uptimeNanoseconds + UInt64(seconds * 1e9)
        state.withLockedValue { $0.pausedUntil = until }
    }

    public func setBehavior(_ behavior: Behavior) {
        state.withLockedValue { $0.behavior = behavior }
    }

    /// Responses sent so far (counted by the server, not by the client).
    public var served: Int { state.withLockedValue { $0.served } }

    /// Requests whose end was read so far.
    public var received: Int { state.withLockedValue { $0.received } }

    public func stop() async {
        try? await channel.close()
        try? await group.shutdownGracefully()
    }

    final class Responder: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        let state: NIOLockedValueBox<State>
        private var keepAlive = true
        /// Responses owed, in order, while a pause holds them.
        private var owed = 0

        init(state: NIOLockedValueBox<State>) { self.state = state }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                keepAlive = head.isKeepAlive
            case .body:
                break
            case .end:
                let (behavior, pausedUntil) = state.withLockedValue { state -> (Behavior, UInt64) in
                    state.received += 1
                    return (state.behavior, state.pausedUntil)
                }
                switch behavior {
                case .respond(let body):
                    let now = NIODeadline.now().uptimeNanoseconds
                    if pausedUntil > now || owed > 0 {
                        owed += 1
                        let wait = pausedUntil > now ? pausedUntil - now : 0
                        let keepAlive = keepAlive
                        context.eventLoop.assumeIsolated().scheduleTask(in: .nanoseconds(Int64(wait))) {
                            self.owed -= 1
                            self.respond(context: context, body: body, keepAlive: keepAlive)
                        }
                    } else {
                        respond(context: context, body: body, keepAlive: keepAlive)
                    }
                case .closeEveryConnection:
                    context.close(promise: nil)
                case .garbage:
                    // Connections opened before the change: close them.
                    context.close(promise: nil)
                case .silent:
                    break
                }
            }
        }

        private func respond(context: ChannelHandlerContext, body: String, keepAlive: Bool) {
            guard context.channel.isActive else { return }
            var headers = HTTPHeaders()
            headers.add(name: "Content-Length", value: String(body.utf8.count))
            headers.add(name: "Content-Type", value: "text/plain")
            if !keepAlive { headers.add(name: "Connection", value: "close") }
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: body)))), promise: nil)
            state.withLockedValue { $0.served += 1 }
            if keepAlive {
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            } else {
                let written = context.eventLoop.makePromise(of: Void.self)
                written.futureResult.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: written)
            }
        }
    }

    /// Answers anything it reads with bytes that are not HTTP.
    final class GarbageResponder: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer

        let state: NIOLockedValueBox<State>
        init(state: NIOLockedValueBox<State>) { self.state = state }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            state.withLockedValue { $0.received += 1 }
            context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: "\u{1}\u{2}NOT HTTP AT ALL\r\n\r\n")), promise: nil)
        }
    }
}
