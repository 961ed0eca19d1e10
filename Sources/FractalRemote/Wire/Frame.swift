/// One message of the wire protocol (see docs/wire-protocol.md).
///
/// On a byte stream a frame is `length: UInt32` (the bytes that follow), `kind: UInt8`,
/// `stream: UInt64` (the call it belongs to; 0 for connection-level frames), then the payload,
/// all big-endian.
public struct Frame: Sendable, Hashable {
    public enum Kind: UInt8, Sendable, Hashable {
        /// First frame each side sends: protocol version and node identity.
        case hello = 0x01
        /// A call (an encoded `CallRequest`); the stream id correlates its response.
        case request = 0x10
        /// The answer to the request of the same stream (an encoded `CallReply`).
        case response = 0x11
        /// A call whose caller wants no answer.
        case oneWay = 0x12
        /// The caller gave up on the request of this stream.
        case cancel = 0x13
        /// Heartbeat; answered by `pong` with the same payload.
        case ping = 0x20
        case pong = 0x21
        /// The sender closes the connection; the payload says why.
        case goodbye = 0x7F
    }

    public var kind: Kind
    public var stream: UInt64
    public var payload: [UInt8]

    public init(_ kind: Kind, stream: UInt64 = 0, payload: [UInt8] = []) {
        self.kind = kind
        self.stream = stream
        self.payload = payload
    }

    /// Bytes of the header after the length field.
    public static let headerSize = 1 + 8
    /// Default bound on one frame (length field included): 16 MiB.
    public static let defaultMaximumSize = 16 << 20

    /// The frame on the wire, length prefix included.
    public func encoded() -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(4 + Self.headerSize + payload.count)
        let length = UInt32(Self.headerSize + payload.count)
        withUnsafeBytes(of: length.bigEndian) { bytes.append(contentsOf: $0) }
        bytes.append(kind.rawValue)
        withUnsafeBytes(of: stream.bigEndian) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: payload)
        return bytes
    }
}

/// Cuts a byte stream into frames, refusing malformed or oversized ones.
public struct FrameDecoder: Sendable {
    public let maximumSize: Int
    private var buffer: [UInt8] = []
    private var start = 0

    public init(maximumSize: Int = Frame.defaultMaximumSize) {
        self.maximumSize = maximumSize
    }

    /// Adds received bytes.
    public mutating func append(_ bytes: some Sequence<UInt8>) {
        if start > 0 && start >= buffer.count / 2 {
            buffer.removeFirst(start)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next complete frame, or nil when more bytes are needed.
    ///
    /// - Throws: ``RemoteError`` (`.frameTooLarge`, `.protocolViolation`): the connection must close.
    public mutating func next() throws -> Frame? {
        guard buffer.count - start >= 4 else { return nil }
        var length = 0
        for index in start..<start + 4 { length = length << 8 | Int(buffer[index]) }
        guard length + 4 <= maximumSize else {
            throw RemoteError(.frameTooLarge, "a frame of \(length + 4) bytes exceeds the limit of \(maximumSize)")
        }
        guard length >= Frame.headerSize else {
            throw RemoteError(.protocolViolation, "a frame of \(length) bytes is shorter than its header")
        }
        guard buffer.count - start >= 4 + length else { return nil }
        let kindByte = buffer[start + 4]
        guard let kind = Frame.Kind(rawValue: kindByte) else {
            throw RemoteError(.protocolViolation, "unknown frame kind 0x\(String(kindByte, radix: 16))")
        }
        var stream: UInt64 = 0
        for index in start + 5..<start + 13 { stream = stream << 8 | UInt64(buffer[index]) }
        let payload = Array(buffer[start + 13..<start + 4 + length])
        start += 4 + length
        return Frame(kind, stream: stream, payload: payload)
    }
}
