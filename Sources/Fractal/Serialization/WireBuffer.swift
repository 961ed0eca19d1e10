/// A minimal binary writer and reader for call messages: big-endian integers and
/// length-prefixed byte strings.
struct WireWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 64) { bytes.reserveCapacity(capacity) }

    mutating func write(_ value: UInt8) { bytes.append(value) }

    mutating func write(_ value: UInt32) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func write(bytes data: some Collection<UInt8>) {
        write(UInt32(data.count))
        bytes.append(contentsOf: data)
    }

    mutating func write(_ string: String) { write(bytes: Array(string.utf8)) }

    /// Appends bytes as they are, with no length.
    mutating func append(_ data: some Collection<UInt8>) { bytes.append(contentsOf: data) }
}

struct WireReader {
    private let bytes: [UInt8]
    private var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var isAtEnd: Bool { offset == bytes.count }

    mutating func readByte() throws -> UInt8 {
        guard offset < bytes.count else { throw truncated() }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func readUInt32() throws -> UInt32 {
        guard bytes.count - offset >= 4 else { throw truncated() }
        var value: UInt32 = 0
        for index in offset..<offset + 4 { value = value << 8 | UInt32(bytes[index]) }
        offset += 4
        return value
    }

    mutating func readBytes() throws -> [UInt8] {
        Array(try readSlice())
    }

    /// A length-prefixed byte string, without copying it.
    mutating func readSlice() throws -> ArraySlice<UInt8> {
        let count = Int(try readUInt32())
        guard bytes.count - offset >= count else { throw truncated() }
        defer { offset += count }
        return bytes[offset..<offset + count]
    }

    mutating func readString() throws -> String {
        String(decoding: try readBytes(), as: UTF8.self)
    }

    private func truncated() -> FractalError {
        FractalError(.decodingFailed, "a call message ends early (\(bytes.count) bytes, needed more at offset \(offset))")
    }
}
