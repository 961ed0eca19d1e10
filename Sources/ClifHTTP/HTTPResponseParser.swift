import NIOCore

/// An incremental HTTP/1.1 response parser over the bytes of a connection: status line,
/// headers, and a body delimited by `Content-Length`, chunked encoding, or the end of the
/// connection. It finds only what the injector needs on every response (status, length,
/// framing, keep-alive) and keeps the head's bytes for the rest, parsed on demand.
///
/// Why our own and not NIOHTTP1's decoder: that one turns every header into strings and every
/// part into a pipeline event; on a keep-alive benchmark this parser and a pre-encoded request
/// take the injector from 0.4× to wrk's speed (docs/performance.md).
struct HTTPResponseParser {
    enum Event {
        /// A whole response (a 1xx is skipped).
        case response(Head, body: ByteBuffer?, bodyLength: Int)
    }

    /// A response's head: its bytes and what was read of them on the way.
    struct Head {
        var status: Int
        var bytes: ByteBuffer
        /// The server asked to close the connection after this response.
        var closes: Bool
        var setsCookie: Bool
    }

    enum ParseError: Error, CustomStringConvertible {
        case malformed(String)
        var description: String {
            switch self { case .malformed(let detail): detail }
        }
    }

    private enum Body {
        case length(Int)
        case chunked
        case untilClose
        case none
    }

    private enum State {
        case head
        case body(Head, framing: Body)
        /// Inside a chunked body: `remaining` bytes of the current chunk (nil: at a size line).
        case chunk(Head, remaining: Int?)
        case trailers(Head)
    }

    private var state = State.head
    private var buffer: ByteBuffer?
    private var body: ByteBuffer?
    private var bodyLength = 0
    /// The request was a HEAD: its response has no body, whatever its headers say.
    var expectsNoBody = false
    static let headLimit = 64 * 1024

    /// Feeds bytes; returns the responses completed by them.
    mutating func feed(_ bytes: inout ByteBuffer, into events: inout [Event]) throws(ParseError) {
        if buffer == nil || buffer!.readableBytes == 0 {
            buffer = bytes
        } else {
            buffer!.writeBuffer(&bytes)
        }
        while try step(&events) {}
    }

    /// The connection closed: completes a body that runs until the close.
    mutating func end(into events: inout [Event]) -> Bool {
        if case .body(let head, .untilClose) = state {
            events.append(.response(head, body: body, bodyLength: bodyLength))
            state = .head
            return true
        }
        return false
    }

    /// Whether a response has begun and not ended.
    var isMidResponse: Bool {
        if case .head = state { return (buffer?.readableBytes ?? 0) > 0 }
        return true
    }

    private mutating func step(_ events: inout [Event]) throws(ParseError) -> Bool {
        guard var input = buffer, input.readableBytes > 0 else { return false }
        defer { buffer = input }
        switch state {
        case .head:
            guard let end = Self.find(crlfcrlf: input) else {
                if input.readableBytes > Self.headLimit { throw .malformed("a response head larger than 64 KiB") }
                return false
            }
            let (head, framing) = try Self.parseHead(input.readSlice(length: end + 4)!, expectsNoBody: expectsNoBody)
            if head.status >= 100 && head.status < 200 && head.status != 101 { return true }
            body = nil
            bodyLength = 0
            switch framing {
            case .none, .length(0):
                events.append(.response(head, body: nil, bodyLength: 0))
            case .chunked:
                state = .chunk(head, remaining: nil)
            default:
                state = .body(head, framing: framing)
            }
            return true
        case .body(let head, let framing):
            switch framing {
            case .length(let total):
                let take = min(total - bodyLength, input.readableBytes)
                keep(input.readSlice(length: take)!)
                if bodyLength == total {
                    events.append(.response(head, body: body, bodyLength: bodyLength))
                    state = .head
                }
                return true
            default:
                keep(input.readSlice(length: input.readableBytes)!)
                return false
            }
        case .chunk(let head, let remaining):
            if let remaining {
                if remaining > 0 {
                    let take = min(remaining, input.readableBytes)
                    keep(input.readSlice(length: take)!)
                    state = .chunk(head, remaining: remaining - take)
                    return true
                }
                // The CRLF after a chunk's data.
                guard input.readableBytes >= 2 else { return false }
                guard input.readInteger(as: UInt16.self) == 0x0D0A else { throw .malformed("a chunk not followed by CRLF") }
                state = .chunk(head, remaining: nil)
                return true
            }
            guard let line = Self.find(crlf: input) else {
                if input.readableBytes > 1024 { throw .malformed("a chunk size line over 1 KiB") }
                return false
            }
            let sizeLine = input.readSlice(length: line)!
            input.moveReaderIndex(forwardBy: 2)
            guard let size = Self.chunkSize(sizeLine) else { throw .malformed("a bad chunk size") }
            state = size == 0 ? .trailers(head) : .chunk(head, remaining: size)
            return true
        case .trailers(let head):
            guard let line = Self.find(crlf: input) else { return false }
            input.moveReaderIndex(forwardBy: line + 2)
            if line == 0 {
                events.append(.response(head, body: body, bodyLength: bodyLength))
                state = .head
            }
            return true
        }
    }

    private mutating func keep(_ part: ByteBuffer) {
        bodyLength += part.readableBytes
        guard (body?.readableBytes ?? 0) < HTTPSampleHandler.bodyLimit else { return }
        if body == nil {
            body = part
        } else {
            var part = part
            body!.writeBuffer(&part)
        }
    }

    // MARK: Bytes

    private static func find(crlfcrlf buffer: ByteBuffer) -> Int? {
        buffer.withUnsafeReadableBytes { bytes -> Int? in
            guard bytes.count >= 4 else { return nil }
            for index in 0...(bytes.count - 4) where bytes[index + 3] == 0x0A && bytes[index + 2] == 0x0D && bytes[index + 1] == 0x0A && bytes[index] == 0x0D {
                return index
            }
            return nil
        }
    }

    private static func find(crlf buffer: ByteBuffer) -> Int? {
        buffer.withUnsafeReadableBytes { bytes -> Int? in
            guard bytes.count >= 2 else { return nil }
            for index in 0..<(bytes.count - 1) where bytes[index] == 0x0D && bytes[index + 1] == 0x0A { return index }
            return nil
        }
    }

    private static func chunkSize(_ line: ByteBuffer) -> Int? {
        line.withUnsafeReadableBytes { bytes -> Int? in
            var value = 0
            var digits = 0
            for byte in bytes {
                let digit: Int
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = Int(byte - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = Int(byte - UInt8(ascii: "a")) + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = Int(byte - UInt8(ascii: "A")) + 10
                case UInt8(ascii: ";"), UInt8(ascii: " "), UInt8(ascii: "\t"): return digits > 0 ? value : nil
                default: return nil
                }
                digits += 1
                guard digits <= 15 else { return nil }
                value = value * 16 + digit
            }
            return digits > 0 ? value : nil
        }
    }

    /// Status, framing, keep-alive and cookies from a head (which ends with CRLF CRLF).
    private static func parseHead(_ head: ByteBuffer, expectsNoBody: Bool) throws(ParseError) -> (Head, Body) {
        let parsed = head.withUnsafeReadableBytes { bytes -> (Head, Body)? in
            // "HTTP/1.1 200 …"
            guard bytes.count >= 12, bytes[0] == UInt8(ascii: "H"), bytes[1] == UInt8(ascii: "T"), bytes[2] == UInt8(ascii: "T"),
                  bytes[3] == UInt8(ascii: "P"), bytes[4] == UInt8(ascii: "/"), bytes[5] == UInt8(ascii: "1"), bytes[6] == UInt8(ascii: "."),
                  bytes[8] == UInt8(ascii: " ") else { return nil }
            let minor = bytes[7]
            var status = 0
            for index in 9..<12 {
                let byte = bytes[index]
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                status = status * 10 + Int(byte - UInt8(ascii: "0"))
            }
            var closes = minor == UInt8(ascii: "0")
            var length: Int?
            var chunked = false
            var setsCookie = false
            // Header lines: name ':' value CRLF.
            var index = 12
            while index < bytes.count, bytes[index] != 0x0A { index += 1 }
            index += 1
            while index < bytes.count - 2 {
                let start = index
                while index < bytes.count, bytes[index] != 0x0A { index += 1 }
                var end = index
                if end > start, bytes[end - 1] == 0x0D { end -= 1 }
                index += 1
                guard end > start else { break }
                guard let colon = (start..<end).first(where: { bytes[$0] == UInt8(ascii: ":") }) else { return nil }
                var valueStart = colon + 1
                while valueStart < end, bytes[valueStart] == 0x20 || bytes[valueStart] == 0x09 { valueStart += 1 }
                let nameLength = colon - start
                if nameLength == 14, equalsIgnoringCase(bytes, start, "content-length") {
                    var value = 0
                    var digits = 0
                    for position in valueStart..<end {
                        let byte = bytes[position]
                        if byte == 0x20 || byte == 0x09 { break }
                        guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9"), digits < 18 else { return nil }
                        value = value * 10 + Int(byte - UInt8(ascii: "0"))
                        digits += 1
                    }
                    guard digits > 0 else { return nil }
                    length = value
                } else if nameLength == 17, equalsIgnoringCase(bytes, start, "transfer-encoding") {
                    chunked = containsIgnoringCase(bytes, valueStart, end, "chunked")
                } else if nameLength == 10, equalsIgnoringCase(bytes, start, "connection") {
                    if containsIgnoringCase(bytes, valueStart, end, "close") { closes = true }
                    if containsIgnoringCase(bytes, valueStart, end, "keep-alive") { closes = false }
                } else if nameLength == 10, equalsIgnoringCase(bytes, start, "set-cookie") {
                    setsCookie = true
                }
            }
            let framing: Body
            if expectsNoBody || status == 204 || status == 304 || (status >= 100 && status < 200) {
                framing = .none
            } else if chunked {
                framing = .chunked
            } else if let length {
                framing = .length(length)
            } else {
                framing = .untilClose
                closes = true
            }
            return (Head(status: status, bytes: head, closes: closes, setsCookie: setsCookie), framing)
        }
        guard let parsed else { throw .malformed("not an HTTP/1.x response head") }
        return parsed
    }

    private static func equalsIgnoringCase(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ name: StaticString) -> Bool {
        let count = name.utf8CodeUnitCount
        guard start + count <= bytes.count else { return false }
        let pointer = name.utf8Start
        for offset in 0..<count where bytes[start + offset] | 0x20 != pointer[offset] { return false }
        return true
    }

    private static func containsIgnoringCase(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int, _ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard end - start >= count else { return false }
        let pointer = word.utf8Start
        outer: for position in start...(end - count) {
            for offset in 0..<count where bytes[position + offset] | 0x20 != pointer[offset] { continue outer }
            return true
        }
        return false
    }
}
