import FractalRemote
import NIOConcurrencyHelpers
import NIOCore
import NIOSSL

/// Cuts the TCP byte stream into frames on the event loop; a malformed or oversized frame is
/// an error, which closes the connection.
struct FrameByteDecoder: ByteToMessageDecoder {
    typealias InboundOut = Frame

    let maximumSize: Int

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) else { return .needMoreData }
        guard length != SecretHandshakeHandler.magic else {
            throw RemoteError(.handshakeFailed, "the other side authenticates with a shared secret, and this side holds none (--secret-file)")
        }
        guard Int(length) + 4 <= maximumSize else {
            throw RemoteError(.frameTooLarge, "a frame of \(Int(length) + 4) bytes exceeds the limit of \(maximumSize)")
        }
        guard Int(length) >= Frame.headerSize else {
            throw RemoteError(.protocolViolation, "a frame of \(length) bytes is shorter than its header")
        }
        guard buffer.readableBytes >= 4 + Int(length) else { return .needMoreData }
        buffer.moveReaderIndex(forwardBy: 4)
        let kindByte = buffer.readInteger(as: UInt8.self)!
        guard let kind = Frame.Kind(rawValue: kindByte) else {
            throw RemoteError(.protocolViolation, "unknown frame kind 0x\(String(kindByte, radix: 16))")
        }
        let stream = buffer.readInteger(as: UInt64.self)!
        let payload = buffer.readBytes(length: Int(length) - Frame.headerSize)!
        context.fireChannelRead(wrapInboundOut(Frame(kind, stream: stream, payload: payload)))
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }
}

/// Hands decoded frames, and the end of the connection, to the connection's receiver, on the
/// event loop; keeps them until the receiver is there. Logs and closes on errors.
final class FrameInboundHandler: ChannelInboundHandler {
    typealias InboundIn = Frame

    let remote: String
    /// The DNS names of the other side's TLS certificate, once the first frame has come (the
    /// TLS handshake is over by then); nil on plain TCP.
    let authenticatedNames = NIOLockedValueBox<[String]?>(nil)
    /// The member the other side proved to be: its certificate's first name on TLS.
    let authenticatedMember = NIOLockedValueBox<String?>(nil)
    private var receiver: (@Sendable (ConnectionEvent) -> Void)?
    private var early: [ConnectionEvent] = []
    private var reason: String?
    private var identified = false

    init(remote: String) {
        self.remote = remote
    }

    func start(_ receiver: @escaping @Sendable (ConnectionEvent) -> Void) {
        self.receiver = receiver
        let early = early
        self.early = []
        for event in early { receiver(event) }
    }

    private func deliver(_ event: ConnectionEvent) {
        if let receiver { receiver(event) } else { early.append(event) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if !identified {
            identified = true
            if let tls = try? context.pipeline.syncOperations.handler(type: NIOSSLHandler.self) {
                let names = tls.peerCertificate?.dnsNames ?? []
                authenticatedNames.withLockedValue { $0 = names }
                authenticatedMember.withLockedValue { $0 = names.first }
            }
        }
        deliver(.frame(unwrapInboundIn(data)))
    }


    func channelInactive(context: ChannelHandlerContext) {
        deliver(.closed(reason: reason))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        reason = reason ?? "\(error)"
        NodeLog.warning("closing the connection with \(remote): \(error)")
        context.close(promise: nil)
    }
}
