import ClifCore
import NIOCore
import NIOSSL
#if canImport(Glibc)
import Glibc
#endif

/// One request at a time on a keep-alive connection: writes its pre-encoded bytes, parses the
/// response (``HTTPResponseParser``), resumes the waiting session when the response ends, or
/// with the failure (timeout, reset, close, garbage).
///
/// Lives on the connection's event loop. The session hands its request over directly
/// (``start(_:)``, on the loop, where a session that prefers the loop's executor already is),
/// not through the pipeline: no promise, future or boxed request per call.
final class HTTPSampleHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Bytes of a body kept for checks and extraction; the rest is only counted.
    static let bodyLimit = 1 << 20

    struct HTTPRequest: Sendable {
        /// The whole request: head and body.
        var bytes: ByteBuffer
        var isHEAD: Bool
        var responseTimeout: TimeAmount
        var clock: any LoadClock
        var waiter: UnsafeContinuation<HTTPResponse, any Error>
    }

    /// The session waiting for the response in flight; resumed exactly once, after being cleared.
    private var waiter: UnsafeContinuation<HTTPResponse, any Error>?
    private var sent: Int64 = 0
    private var clock: (any LoadClock)?
    /// When the request in flight times out.
    private var deadline = NIODeadline.distantFuture
    /// One timer per connection, re-armed when it fires early, rather than one per request.
    private var timer: Scheduled<Void>?
    private var receivedBytes = false
    private var parser = HTTPResponseParser()
    private var events: [HTTPResponseParser.Event] = []
    private var context: ChannelHandlerContext?
    /// Why the connection broke while no request was in flight (a TLS handshake refused).
    private var brokenBy: HTTPFailure?

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    /// Sends `request`; its waiter is resumed with the response or the failure. On the loop.
    func start(_ request: HTTPRequest) {
        // Closed since the session looked (it looked on another thread): nothing would answer.
        guard let context, context.channel.isActive else {
            request.waiter.resume(throwing: brokenBy ?? HTTPFailure.closed(receivedBytes: false))
            return
        }
        if let brokenBy {
            request.waiter.resume(throwing: brokenBy)
            return
        }
        guard waiter == nil else {
            request.waiter.resume(throwing: HTTPFailure.other("a request is already in flight on this connection"))
            return
        }
        waiter = request.waiter
        clock = request.clock
        receivedBytes = false
        parser.expectsNoBody = request.isHEAD
        sent = request.clock.now()
        deadline = .now() + request.responseTimeout
        if timer == nil { arm(context, at: deadline) }
        context.writeAndFlush(wrapOutboundOut(request.bytes), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        guard waiter != nil else {
            // Bytes nobody asked for: the connection can no longer be trusted.
            context.close(promise: nil)
            return
        }
        receivedBytes = true
        do {
            try parser.feed(&bytes, into: &events)
        } catch {
            fail(.badResponse(error.description), close: true)
            return
        }
        deliver()
    }

    private func arm(_ context: ChannelHandlerContext, at time: NIODeadline) {
        timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: time) {
            self.timer = nil
            guard self.waiter != nil else { return }
            if self.deadline <= .now() {
                self.fail(.responseTimeout, close: true)
            } else {
                self.arm(context, at: self.deadline)
            }
        }
    }

    private func deliver() {
        guard !events.isEmpty else { return }
        let event = events.removeFirst()
        events.removeAll()
        guard let waiter, let clock else { return }
        self.waiter = nil
        deadline = .distantFuture
        switch event {
        case .response(let head, let body, let length):
            waiter.resume(returning: HTTPResponse(status: head.status, head: head.bytes, body: body, bodyLength: length, sent: sent, completed: clock.now(),
                                         closes: head.closes, setsCookie: head.setsCookie))
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let failure: HTTPFailure
        switch error {
        case let error as IOError where error.errnoCode == ECONNRESET || error.errnoCode == EPIPE: failure = .reset
        case let error as NIOSSLError: failure = .tls("\(error)")
        case let error as BoringSSLError: failure = .tls("\(error)")
        default: failure = .other("\(error)")
        }
        if waiter == nil, brokenBy == nil { brokenBy = failure }
        fail(failure, close: true)
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        if parser.end(into: &events) {
            deliver()
        }
        fail(brokenBy ?? .closed(receivedBytes: receivedBytes), close: false)
        context.fireChannelInactive()
    }

    /// Fails the request in flight (if any) and closes the connection when asked.
    func fail(_ failure: HTTPFailure, close: Bool) {
        if let waiter {
            self.waiter = nil
            deadline = .distantFuture
            waiter.resume(throwing: failure)
        }
        if close { context?.close(promise: nil) }
    }
}
