import ClifCore
@testable import ClifReports
import CZlib
import Foundation
import Histogram
import Testing

/// The encodings against the reference: the lines below were written by the Python HdrHistogram
/// implementation (hdrhistogram 0.10.8, `HdrHistogram(1, 3600000000, digits).encode()`), which
/// decodes Java's. The deflated bytes may differ between zlib builds; what they inflate to may not.
@Suite struct HistogramLogTests {
    static let references: [(digits: SignificantDigits, values: [(UInt64, UInt64)], line: String)] = [
        (.two, [(120, 1), (250, 2), (9000, 1), (1_500_000, 1)],
         "HISTFAAAACx4nJNpmSzMwMDAwwABTFCaEURcm7yEwf4DROA9I1MjE8tCLqbLfEwAn8QHmw=="),
        (.three, [(1, 1), (2, 5), (999, 1), (1000, 3), (2047, 1), (2048, 1), (123_456, 7), (3_599_999_999, 1)],
         "HISTFAAAADF4nJNpmSzMwMAgxAABzFCaEURcm7yEwf4DVICJ6zg/E9tqASam/ji+y28YmQDIMQkA"),
        (.two, [], "HISTFAAAABx4nJNpmSzMgABMUJoRRFybvITB/gNEAABQwQSG"),
        (.three, [(0, 4), (5, 1)], "HISTFAAAACJ4nJNpmSzMwMDAzAABMJoRRFybvITB/gNEgIOdCQBfAwSb"),
    ]

    static func histogram(_ digits: SignificantDigits, _ values: [(UInt64, UInt64)]) -> Histogram<UInt64> {
        var histogram = Histogram<UInt64>(highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: digits)
        for (value, count) in values { _ = histogram.record(value, count: count) }
        return histogram
    }

    /// The V2 bytes inside a compressed encoding (cookie, length, zlib stream).
    static func inflate(_ compressed: [UInt8]) throws -> [UInt8] {
        try #require(compressed.count > 8)
        let cookie = compressed[0..<4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        #expect(cookie == 0x1C84_9314)
        let length = compressed[4..<8].reduce(0) { $0 << 8 | Int($1) }
        #expect(length == compressed.count - 8)
        var inflated = [UInt8](repeating: 0, count: 1 << 20)
        var size = uLongf(inflated.count)
        let stream = Array(compressed[8...])
        let status = inflated.withUnsafeMutableBufferPointer { target in
            stream.withUnsafeBufferPointer { uncompress(target.baseAddress, &size, $0.baseAddress, uLong($0.count)) }
        }
        try #require(status == Z_OK)
        return Array(inflated.prefix(Int(size)))
    }

    @Test(arguments: 0..<references.count)
    func encodesAsTheReference(_ number: Int) throws {
        let reference = Self.references[number]
        let histogram = Self.histogram(reference.digits, reference.values)
        let expected = try Self.inflate([UInt8](try #require(Data(base64Encoded: reference.line))))
        #expect(HistogramEncoding.encode(histogram) == expected)
        #expect(try Self.inflate(HistogramEncoding.compressed(histogram)) == expected)
    }

    @Test(arguments: 0..<references.count)
    func decodesTheReference(_ number: Int) throws {
        let reference = Self.references[number]
        let decoded = try HistogramEncoding.decode(compressed: [UInt8](try #require(Data(base64Encoded: reference.line))))
        #expect(decoded == Self.histogram(reference.digits, reference.values))
        #expect(decoded.totalCount == reference.values.reduce(0) { $0 + $1.1 })
    }

    @Test func refusesBrokenEncodings() throws {
        let good = HistogramEncoding.compressed(Self.histogram(.two, [(120, 1), (250, 2)]))
        #expect(throws: HistogramDecodingError.self) { try HistogramEncoding.decode(compressed: Array(good.dropLast(3))) }
        #expect(throws: HistogramDecodingError.self) { try HistogramEncoding.decode(compressed: [0x1C, 0x84, 0x93, 0x13] + good.dropFirst(4)) }
        #expect(throws: HistogramDecodingError.self) { try HistogramEncoding.decode(Array(HistogramEncoding.encode(Self.histogram(.two, [(120, 1)])).dropLast())) }
        let log = "#[BaseTime: 0.000 (seconds since epoch)]\n0.000,1.000,0.120,AAAAAAAAAAA=\n"
        #expect { try HistogramLog.entries(in: log, file: "run.hlog") } throws: { ($0 as? HistogramLogError)?.description == "run.hlog:2:1: error: not a compressed V2 histogram (wrong cookie)" }
    }

    @Test func zigZagMatchesJavasNineByteForm() {
        var bytes: [UInt8] = []
        HistogramEncoding.putZigZag(-3, into: &bytes)
        #expect(bytes == [5])
        bytes = []
        HistogramEncoding.putZigZag(300, into: &bytes)
        #expect(bytes == [0xD8, 0x04])
        bytes = []
        HistogramEncoding.putZigZag(.max, into: &bytes)
        #expect(bytes == [0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF])
    }

    @Test func logHasAnIntervalLinePerHistogram() throws {
        var first = IntervalStatistics(second: 0)
        first.actions["GET home", default: ActionStatistics(significantDigits: .two)].recordSuccess(latency: 1200, service: 900)
        first.actions["GET home", default: ActionStatistics(significantDigits: .two)].recordSuccess(latency: 15_000, service: 1000)
        first.actions["login"] = ActionStatistics(significantDigits: .two)
        first.actions["login"]?.recordError("refused")
        let empty = IntervalStatistics(second: 1)
        let text = HistogramLog.text(of: [first, empty], start: Date(timeIntervalSince1970: 1_764_633_600.25), intervalLength: 0.5)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines[0] == "#[Histogram log format version 1.3]")
        #expect(lines[1].hasPrefix("#[StartTime: 1764633600.250 (seconds since epoch), "))
        #expect(lines.contains("\"StartTimestamp\",\"Interval_Length\",\"Interval_Max\",\"Interval_Compressed_Histogram\""))
        let intervals = lines.filter { !$0.hasPrefix("#") && !$0.hasPrefix("\"") }
        // Untagged, one type (the one without successes has none), service, that type's
        // service; then the empty interval's untagged line. Maxima are the highest value
        // equivalent to the one recorded, as Java's writer gives them.
        let heads = intervals.map { $0.split(separator: ",").dropLast().joined(separator: ",") }
        #expect(heads == [
            "0.000,0.500,15.039", "Tag=GET_home,0.000,0.500,15.039", "Tag=service,0.000,0.500,1.003",
            "Tag=GET_home.service,0.000,0.500,1.003", "0.500,0.500,0.000",
        ])
        let untagged = try #require(intervals.first?.split(separator: ",").last)
        let bytes = [UInt8](try #require(Data(base64Encoded: String(untagged))))
        #expect(try Self.inflate(bytes) == HistogramEncoding.encode(first.total.latency))
        // Read back: the same histograms under the same tags.
        let entries = try HistogramLog.entries(in: text)
        #expect(entries.map(\.tag) == [nil, "GET_home", "service", "GET_home.service", nil])
        #expect(entries[1].histogram == first.actions["GET home"]?.latency)
        #expect(entries[3].histogram == first.actions["GET home"]?.service)
        #expect(entries[4].start == 0.5 && entries[4].histogram.totalCount == 0)
    }
}
