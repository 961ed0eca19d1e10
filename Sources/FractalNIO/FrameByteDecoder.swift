import FractalRemote
import NIOCore

/// Cuts the TCP byte stream into frames on the event loop; a malformed or oversized frame is
/// an error, which closes the connection.
struct FrameByteDecoder: ByteToMessageDecoder {
    typealias InboundOut = Frame

    let maximumSize: Int

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) else { return .needMoreData }
        guard Int(length) + 4 <= maximumSize else {
            throw RemoteError(.frameTooLarge, "a frame of \(Int(length) + 4) bytes exceeds the limit of \(maximumSize)")
        }
        guard Int(length) >= 9 else {
            throw RemoteError(.protocolViolation, "a frame of \(length) bytes is shorter than its header")
        }
        guard buffer.readableBytes >= 4 + Int(length) else { return .needMoreData }
        buffer.moveReaderIndex(forwardBy: 4)
        let kindByte = buffer.readInteger(as: UInt8.self)!
        guard let kind = Frame.Kind(rawValue: kindByte) else {
            throw RemoteError(.protocolViolation, "unknown frame kind 0x\(String(kindByte, radix: 16))")
        }
        let stream = buffer.readInteger(as: UInt64.self)!
        let payload = buffer.readBytes(length: Int(length) - 9)!
        context.fireChannelRead(wrapInboundOut(Frame(kind, stream: stream, payload: payload)))
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }
}

/// Hands decoded frames to the connection's inbound stream; logs and closes on errors.
final class FrameInboundHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = Frame

    let continuation: AsyncStream<Frame>.Continuation
    let remote: String
    let onError: @Sendable (String) -> Void
    let onActivity: @Sendable () -> Void

    init(continuation: AsyncStream<Frame>.Continuation, remote: String,
         onActivity: @escaping @Sendable () -> Void, onError: @escaping @Sendable (String) -> Void) {
        self.continuation = continuation
        self.remote = remote
        self.onActivity = onActivity
        self.onError = onError
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        onActivity()
        let frame = unwrapInboundIn(data)
        // Heartbeats are answered here, on the event loop, however busy the node's tasks are.
        if frame.kind == .ping {
            let pong = Frame(.pong, stream: frame.stream, payload: frame.payload).encoded()
            context.writeAndFlush(NIOAny(context.channel.allocator.buffer(bytes: pong)), promise: nil)
            return
        }
        continuation.yield(frame)
    }

    func channelInactive(context: ChannelHandlerContext) {
        continuation.finish()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        onError("\(error)")
        NodeLog.warning("closing the connection with \(remote): \(error)")
        continuation.finish()
        context.close(promise: nil)
    }
}
