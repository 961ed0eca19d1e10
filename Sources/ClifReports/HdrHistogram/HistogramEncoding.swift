import CZlib
import Histogram

/// HdrHistogram's V2 binary encoding, the one every HdrHistogram implementation (Java, C,
/// Python, Go, Rust) decodes: a 40-byte header, then the counts in bucket-index order as
/// zig-zag LEB128 integers where a run of n empty buckets is written as −n; compressed, that
/// whole buffer deflated (zlib format) behind its own 8-byte header.
///
/// hdrhistogram-swift has no encoder; its bucket layout is the Java one, so the indices below
/// are computed from the histogram's public parameters, and only the recorded buckets are
/// visited.
public enum HistogramEncoding {
    static let cookie: UInt32 = 0x1C84_9303 | 0x10
    static let compressedCookie: UInt32 = 0x1C84_9304 | 0x10

    /// The uncompressed V2 encoding.
    public static func encode<Count>(_ histogram: Histogram<Count>) -> [UInt8] {
        let layout = BucketLayout(lowest: histogram.lowestDiscernibleValue, digits: Int(histogram.numberOfSignificantValueDigits.rawValue))
        var payload: [UInt8] = []
        var nextIndex = 0
        for bucket in histogram.recordedValues() {
            let index = layout.index(of: bucket.value)
            if index > nextIndex { putZigZag(-Int64(index - nextIndex), into: &payload) }
            putZigZag(Int64(bucket.count), into: &payload)
            nextIndex = index + 1
        }

        var buffer: [UInt8] = []
        buffer.reserveCapacity(40 + payload.count)
        putBigEndian(cookie, into: &buffer)
        putBigEndian(UInt32(payload.count), into: &buffer)
        putBigEndian(UInt32(0), into: &buffer) // normalizing index offset
        putBigEndian(UInt32(histogram.numberOfSignificantValueDigits.rawValue), into: &buffer)
        putBigEndian(histogram.lowestDiscernibleValue, into: &buffer)
        putBigEndian(histogram.highestTrackableValue, into: &buffer)
        putBigEndian((1.0 as Double).bitPattern, into: &buffer) // integer-to-double conversion ratio
        return buffer + payload
    }

    /// The compressed V2 encoding: what an HdrHistogram log line carries, base64-encoded.
    public static func compressed<Count>(_ histogram: Histogram<Count>) -> [UInt8] {
        let plain = encode(histogram)
        var length = compressBound(uLong(plain.count))
        var deflated = [UInt8](repeating: 0, count: Int(length))
        let status = plain.withUnsafeBufferPointer { source in
            deflated.withUnsafeMutableBufferPointer { target in
                compress2(target.baseAddress, &length, source.baseAddress, uLong(source.count), Z_DEFAULT_COMPRESSION)
            }
        }
        // compressBound is an upper bound for any input, so compress2 cannot run out of room.
        precondition(status == Z_OK, "zlib compress2 failed with \(status)")
        var buffer: [UInt8] = []
        buffer.reserveCapacity(8 + Int(length))
        putBigEndian(compressedCookie, into: &buffer)
        putBigEndian(UInt32(length), into: &buffer)
        buffer += deflated.prefix(Int(length))
        return buffer
    }

    /// A histogram from its compressed V2 encoding (any implementation's).
    public static func decode(compressed bytes: [UInt8]) throws(HistogramDecodingError) -> Histogram<UInt64> {
        var reader = ByteReader(bytes)
        guard try reader.uint32() == compressedCookie else { throw HistogramDecodingError("not a compressed V2 histogram (wrong cookie)") }
        let length = Int(try reader.uint32())
        guard length == bytes.count - 8 else { throw HistogramDecodingError("\(bytes.count - 8) bytes of deflated data where the header says \(length)") }
        var size = uLongf(64 * 1024)
        var plain: [UInt8] = []
        var status = Z_BUF_ERROR
        // The inflated size is not in the header: grow until it fits.
        while status == Z_BUF_ERROR, size <= 1 << 28 {
            size *= 4
            plain = [UInt8](repeating: 0, count: Int(size))
            status = plain.withUnsafeMutableBufferPointer { target in
                bytes.withUnsafeBufferPointer { uncompress(target.baseAddress, &size, $0.baseAddress! + 8, uLong(length)) }
            }
        }
        guard status == Z_OK else { throw HistogramDecodingError("the deflated data does not inflate (zlib status \(status))") }
        return try decode(Array(plain.prefix(Int(size))))
    }

    /// A histogram from its uncompressed V2 encoding.
    public static func decode(_ bytes: [UInt8]) throws(HistogramDecodingError) -> Histogram<UInt64> {
        var reader = ByteReader(bytes)
        guard try reader.uint32() == cookie else { throw HistogramDecodingError("not a V2 histogram (wrong cookie)") }
        let payload = Int(try reader.uint32())
        guard try reader.uint32() == 0 else { throw HistogramDecodingError("a normalizing index offset, which only shifted histograms have") }
        let digits = try reader.uint32()
        let lowest = try reader.uint64(), highest = try reader.uint64()
        _ = try reader.uint64() // integer-to-double conversion ratio: values are integers here
        guard digits <= 5, let significant = SignificantDigits(rawValue: Int8(digits)) else { throw HistogramDecodingError("\(digits) significant digits (0…5)") }
        guard lowest >= 1, lowest <= UInt64.max / 2, highest >= 2 * lowest else { throw HistogramDecodingError("a value range \(lowest)…\(highest)") }
        guard payload == bytes.count - 40 else { throw HistogramDecodingError("\(bytes.count - 40) bytes of counts where the header says \(payload)") }
        var histogram = Histogram<UInt64>(lowestDiscernibleValue: lowest, highestTrackableValue: highest, numberOfSignificantValueDigits: significant)
        let layout = BucketLayout(lowest: lowest, digits: Int(digits))
        var index = 0
        while !reader.isAtEnd {
            let count = try reader.zigZag()
            if count < 0 {
                index += Int(clamping: -count)
                continue
            }
            if count > 0 {
                guard histogram.record(layout.value(at: index), count: UInt64(count)) else {
                    throw HistogramDecodingError("a count at index \(index), beyond the highest trackable value \(highest)")
                }
            }
            index += 1
        }
        return histogram
    }

    /// Java's ZigZagEncoding: LEB128 of the zig-zagged value, whose ninth byte, if any, carries
    /// eight bits.
    static func putZigZag(_ value: Int64, into buffer: inout [UInt8]) {
        var rest = UInt64(bitPattern: (value << 1) ^ (value >> 63))
        for _ in 0..<8 {
            if rest < 0x80 {
                buffer.append(UInt8(rest))
                return
            }
            buffer.append(UInt8(rest & 0x7F) | 0x80)
            rest >>= 7
        }
        buffer.append(UInt8(truncatingIfNeeded: rest))
    }

    static func putBigEndian<Integer: FixedWidthInteger>(_ value: Integer, into buffer: inout [UInt8]) {
        withUnsafeBytes(of: value.bigEndian) { buffer += $0 }
    }
}
