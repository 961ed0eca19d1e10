/// Reads what ``BinaryWriter`` writes; every read checks the bounds, so a truncated or
/// damaged input fails with a ``ShardFormatError`` rather than trapping.
struct BinaryReader {
    let bytes: ArraySlice<UInt8>
    private(set) var position: Int

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        position = bytes.startIndex
    }

    init(_ bytes: [UInt8]) { self.init(bytes[...]) }

    var isAtEnd: Bool { position >= bytes.endIndex }
    var remaining: Int { bytes.endIndex - position }

    mutating func byte() throws(ShardFormatError) -> UInt8 {
        guard position < bytes.endIndex else { throw ShardFormatError("truncated at byte \(position - bytes.startIndex)") }
        defer { position += 1 }
        return bytes[position]
    }

    mutating func varint() throws(ShardFormatError) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let next = try byte()
            guard shift < 64 else { throw ShardFormatError("a varint longer than 10 bytes at byte \(position - bytes.startIndex)") }
            value |= UInt64(next & 0x7F) << shift
            if next < 0x80 { return value }
            shift += 7
        }
    }

    /// A varint that must fit an `Int` no larger than `limit` (counts and lengths).
    mutating func count(atMost limit: Int) throws(ShardFormatError) -> Int {
        let value = try varint()
        guard value <= UInt64(limit) else { throw ShardFormatError("a count of \(value) where at most \(limit) fits (byte \(position - bytes.startIndex))") }
        return Int(value)
    }

    mutating func signed() throws(ShardFormatError) -> Int64 {
        let raw = try varint()
        return Int64(bitPattern: raw >> 1) ^ -Int64(bitPattern: raw & 1)
    }

    mutating func word32() throws(ShardFormatError) -> UInt32 {
        let raw = try take(4)
        return raw.reversed().reduce(0) { $0 << 8 | UInt32($1) }
    }

    mutating func double() throws(ShardFormatError) -> Double {
        let raw = try take(8)
        return Double(bitPattern: raw.reversed().reduce(0) { $0 << 8 | UInt64($1) })
    }

    mutating func string() throws(ShardFormatError) -> String {
        let utf8 = try take(try count(atMost: remaining))
        return String(decoding: utf8, as: UTF8.self)
    }

    mutating func data() throws(ShardFormatError) -> [UInt8] {
        Array(try take(try count(atMost: remaining)))
    }

    mutating func take(_ count: Int) throws(ShardFormatError) -> ArraySlice<UInt8> {
        guard count <= remaining else { throw ShardFormatError("\(count) bytes wanted at byte \(position - bytes.startIndex), \(remaining) left") }
        defer { position += count }
        return bytes[position..<position + count]
    }
}
