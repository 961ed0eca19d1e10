import ClifCore
import NIOCore
import NIOHTTP1

/// One request at a time on a keep-alive connection: writes it, parses the response, completes
/// the request's promise on `.end`, or fails it (timeout, reset, close, garbage).
///
/// Lives on the connection's event loop; the session waits on the promise, on the same loop
/// when it prefers the loop's executor.
final class HTTPSampleHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = HTTPRequest
    typealias OutboundOut = HTTPClientRequestPart

    /// Bytes of a body kept for checks and extraction; the rest is only counted.
    static let bodyLimit = 1 << 20

    struct HTTPRequest: Sendable {
        var head: HTTPRequestHead
        var body: ByteBuffer?
        var responseTimeout: TimeAmount
        var clock: any LoadClock
        var promise: EventLoopPromise<HTTPResponse>
    }

    private struct InFlight {
        var promise: EventLoopPromise<HTTPResponse>
        var sent: Int64
        var clock: any LoadClock
        var timeout: Scheduled<Void>?
        var response: HTTPResponse?
        var receivedBytes = false
    }

    private var inFlight: InFlight?
    private var context: ChannelHandlerContext?

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = unwrapOutboundIn(data)
        guard inFlight == nil else {
            request.promise.fail(HTTPFailure.other("a request is already in flight on this connection"))
            return
        }
        let sent = request.clock.now()
        let timeout = context.eventLoop.assumeIsolated().scheduleTask(in: request.responseTimeout) {
            self.fail(.responseTimeout, close: true)
        }
        inFlight = InFlight(promise: request.promise, sent: sent, clock: request.clock, timeout: timeout)
        context.write(wrapOutboundOut(.head(request.head)), promise: nil)
        if let body = request.body { context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil) }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard var flight = inFlight else { return }
        flight.receivedBytes = true
        switch unwrapInboundIn(data) {
        case .head(let head):
            flight.response = HTTPResponse(status: head.status, headers: head.headers, body: nil, bodyLength: 0, sent: flight.sent, completed: 0,
                                           closes: !head.isKeepAlive)
            inFlight = flight
        case .body(let part):
            if var response = flight.response {
                response.bodyLength += part.readableBytes
                if (response.body?.readableBytes ?? 0) < Self.bodyLimit {
                    if response.body == nil {
                        response.body = part
                    } else {
                        var copy = part
                        response.body!.writeBuffer(&copy)
                    }
                }
                flight.response = response
            }
            inFlight = flight
        case .end:
            inFlight = nil
            flight.timeout?.cancel()
            guard var response = flight.response else {
                flight.promise.fail(HTTPFailure.badResponse("a response ended before its head"))
                return
            }
            response.completed = flight.clock.now()
            flight.promise.succeed(response)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let failure: HTTPFailure
        switch error {
        case let error as HTTPParserError: failure = .badResponse("\(error)")
        case let error as IOError where error.errnoCode == ECONNRESET: failure = .reset
        case let error as IOError where error.errnoCode == EPIPE: failure = .reset
        default: failure = .other("\(error)")
        }
        fail(failure, close: true)
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(.closed(receivedBytes: inFlight?.receivedBytes ?? false), close: false)
        context.fireChannelInactive()
    }

    /// Fails the request in flight (if any) and closes the connection when asked.
    func fail(_ failure: HTTPFailure, close: Bool) {
        if let flight = inFlight {
            inFlight = nil
            flight.timeout?.cancel()
            flight.promise.fail(failure)
        }
        if close { context?.close(promise: nil) }
    }

    /// Whether a request is waiting for its response.
    var isBusy: Bool { inFlight != nil }
}

#if canImport(Glibc)
import Glibc
#endif
