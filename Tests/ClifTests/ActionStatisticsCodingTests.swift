import ClifCore
import Foundation
import Testing

@Suite("Statistics on the wire")
struct ActionStatisticsCodingTests {
    @Test func aDecodedSnapshotHasTheSamePercentilesCountsAndSums() throws {
        var statistics = ActionStatistics(significantDigits: .two)
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<5_000 {
            let latency = UInt64.random(in: 100...2_000_000, using: &generator)
            statistics.recordSuccess(latency: latency, service: latency / 2)
        }
        statistics.recordError("timeout")
        statistics.recordSuccess(latency: 10_000_000_000, service: 1)   // past the highest value: kept as an hour
        let data = try JSONEncoder().encode(statistics)
        let decoded = try JSONDecoder().decode(ActionStatistics.self, from: data)
        #expect(decoded.calls == statistics.calls && decoded.errors == 1 && decoded.errorsByKind == ["timeout": 1])
        for p in [0.0, 50, 90, 99, 99.9, 100] {
            #expect(decoded.latencyPercentile(p) == statistics.latencyPercentile(p), "p\(p)")
            #expect(decoded.servicePercentile(p) == statistics.servicePercentile(p), "p\(p)")
        }
        #expect(decoded.mean == statistics.mean && decoded.standardDeviation == statistics.standardDeviation)
        // Only the buckets in use travel.
        #expect(data.count < 40_000)
        var merged = decoded
        merged.add(statistics)
        #expect(merged.calls == 2 * statistics.calls)
    }

    @Test func anEmptyIntervalIsSmall() throws {
        var interval = IntervalStatistics(second: 3)
        interval.actions["GET"] = ActionStatistics(significantDigits: .two)
        let data = try JSONEncoder().encode(interval)
        #expect(data.count < 400)
        #expect(try JSONDecoder().decode(IntervalStatistics.self, from: data).actions["GET"]?.calls == 0)
    }
}
