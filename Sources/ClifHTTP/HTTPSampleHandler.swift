import ClifCore
import NIOCore
import NIOSSL
#if canImport(Glibc)
import Glibc
#endif

/// One request at a time on a keep-alive connection: writes its pre-encoded bytes, parses the
/// response (``HTTPResponseParser``), completes the request's promise when the response ends,
/// or fails it (timeout, reset, close, garbage).
///
/// Lives on the connection's event loop; the session waits on the promise, on the same loop
/// when it prefers the loop's executor.
final class HTTPSampleHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = HTTPRequest
    typealias OutboundOut = ByteBuffer

    /// Bytes of a body kept for checks and extraction; the rest is only counted.
    static let bodyLimit = 1 << 20

    struct HTTPRequest: Sendable {
        /// The whole request: head and body.
        var bytes: ByteBuffer
        var isHEAD: Bool
        var responseTimeout: TimeAmount
        var clock: any LoadClock
        var promise: EventLoopPromise<HTTPResponse>
    }

    private var promise: EventLoopPromise<HTTPResponse>?
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

    func write(context: ChannelHandlerContext, data: NIOAny, promise writePromise: EventLoopPromise<Void>?) {
        let request = unwrapOutboundIn(data)
        if let brokenBy {
            request.promise.fail(brokenBy)
            return
        }
        guard promise == nil else {
            request.promise.fail(HTTPFailure.other("a request is already in flight on this connection"))
            return
        }
        promise = request.promise
        clock = request.clock
        receivedBytes = false
        parser.expectsNoBody = request.isHEAD
        sent = request.clock.now()
        deadline = .now() + request.responseTimeout
        if timer == nil { arm(context, at: deadline) }
        context.writeAndFlush(wrapOutboundOut(request.bytes), promise: writePromise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        guard promise != nil else {
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
            guard self.promise != nil else { return }
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
        guard let promise, let clock else { return }
        self.promise = nil
        deadline = .distantFuture
        switch event {
        case .response(let head, let body, let length):
            promise.succeed(HTTPResponse(status: head.status, head: head.bytes, body: body, bodyLength: length, sent: sent, completed: clock.now(),
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
        if promise == nil, brokenBy == nil { brokenBy = failure }
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
        if let promise {
            self.promise = nil
            deadline = .distantFuture
            promise.fail(failure)
        }
        if close { context?.close(promise: nil) }
    }
}
