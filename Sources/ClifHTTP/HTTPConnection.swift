import ClifCore
import NIOCore
import NIOPosix
import NIOSSL

/// A session's keep-alive connection to one server.
final class HTTPConnection {
    let channel: any Channel
    let handler: NIOLoopBound<HTTPSampleHandler>
    let target: HTTPTarget
    /// Requests answered on this connection: a request on a reused connection that fails
    /// before any byte comes back is retried once on a new one.
    var answered = 0

    private init(channel: any Channel, handler: NIOLoopBound<HTTPSampleHandler>, target: HTTPTarget) {
        self.channel = channel
        self.handler = handler
        self.target = target
    }

    /// Connects on `loop`; TLS when the target says so.
    static func connect(to target: HTTPTarget, on loop: any EventLoop, timeout: TimeAmount, tls: NIOSSLContext?) async throws(HTTPFailure) -> HTTPConnection {
        let bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(timeout)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                do {
                    let sync = channel.pipeline.syncOperations
                    if target.tls, let tls {
                        let serverName = target.host.first?.isNumber == true || target.host.contains(":") ? nil : target.host
                        try sync.addHandler(NIOSSLClientHandler(context: tls, serverHostname: serverName))
                    }
                    try sync.addHandler(HTTPSampleHandler())
                    return channel.eventLoop.makeSucceededVoidFuture()
                } catch {
                    return channel.eventLoop.makeFailedFuture(error)
                }
            }
        do {
            let channel = try await bootstrap.connect(host: target.host, port: target.port).get()
            let handler = try await channel.eventLoop.submit {
                NIOLoopBound(try channel.pipeline.syncOperations.handler(type: HTTPSampleHandler.self), eventLoop: channel.eventLoop)
            }.get()
            return HTTPConnection(channel: channel, handler: handler, target: target)
        } catch let error as ChannelError {
            if case .connectTimeout = error { throw .connectTimeout }
            throw .other("\(error)")
        } catch let error as NIOConnectionError {
            throw .refused(error.connectionErrors.first.map { "\($0.error)" } ?? "\(error)")
        } catch let error as IOError {
            throw .refused("\(error)")
        } catch {
            throw .other("\(error)")
        }
    }

    /// Sends one request and waits for its response: handed to the handler at once when the
    /// session runs on the connection's loop, else through the loop.
    @inline(__always)
    func send(_ bytes: ByteBuffer, isHEAD: Bool, timeout: TimeAmount, clock: any LoadClock) async throws -> HTTPResponse {
        let (handler, loop) = (self.handler, channel.eventLoop)
        return try await withUnsafeThrowingContinuation { waiter in
            let request = HTTPSampleHandler.HTTPRequest(bytes: bytes, isHEAD: isHEAD, responseTimeout: timeout, clock: clock, waiter: waiter)
            if loop.inEventLoop {
                handler.value.start(request)
            } else {
                loop.execute { handler.value.start(request) }
            }
        }
    }

    /// The test stops: a request already sent gets a moment to complete, so that what the
    /// server counted is counted here too; then it fails and the connection closes.
    static func stopSoon(_ channel: any Channel, _ handler: NIOLoopBound<HTTPSampleHandler>) {
        channel.eventLoop.scheduleTask(in: .seconds(1)) {
            handler.value.fail(.stopped, close: true)
        }
    }

    func close() async {
        try? await channel.close()
    }
}
