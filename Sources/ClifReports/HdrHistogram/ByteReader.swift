/// Big-endian integers and zig-zag LEB128 out of a byte array.
struct ByteReader {
    let bytes: [UInt8]
    var position = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var isAtEnd: Bool { position >= bytes.count }

    mutating func byte() throws(HistogramDecodingError) -> UInt8 {
        guard position < bytes.count else { throw HistogramDecodingError("truncated after \(bytes.count) bytes") }
        defer { position += 1 }
        return bytes[position]
    }

    mutating func uint32() throws(HistogramDecodingError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 { value = value << 8 | UInt32(try byte()) }
        return value
    }

    mutating func uint64() throws(HistogramDecodingError) -> UInt64 {
        var value: UInt64 = 0
        for _ in 0..<8 { value = value << 8 | UInt64(try byte()) }
        return value
    }

    mutating func zigZag() throws(HistogramDecodingError) -> Int64 {
        var raw: UInt64 = 0
        var shift: UInt64 = 0
        while shift < 56 {
            let next = try byte()
            raw |= UInt64(next & 0x7F) << shift
            if next < 0x80 { return Int64(bitPattern: raw >> 1) ^ -Int64(bitPattern: raw & 1) }
            shift += 7
        }
        raw |= UInt64(try byte()) << 56
        return Int64(bitPattern: raw >> 1) ^ -Int64(bitPattern: raw & 1)
    }
}
