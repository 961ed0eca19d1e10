import ClifCore
import ClifReports
import Foundation
import Testing

/// 40 values: 36 × 100 ms, 2 × 110, 1 × 90 and one 1000 (the outlier), written by our own
/// `ReportDirectory`.
@Suite("Outlier cleanup")
struct OutlierCleanupTests {
    static let durations: [Int64] = Array(repeating: 100, count: 36) + [110, 110, 90, 1000]

    static func run(in folder: String) throws -> ReportRun {
        let events = durations.enumerated().map { Fixtures.event("GET", $0.element, at: Int64($0.offset) * 100 + 50) }
        return try ReportReader.read(directory: try Fixtures.ours(events, end: 4000, in: folder))
    }

    @Test func theDefaultsDropTheOutlierAndStopAtNinetyFivePercent() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let statistics = ReportStatistics(run: try Self.run(in: folder), options: StatisticsOptions(outliers: OutlierCleanup()))
        // At least ⌈95 % · 40⌉ = 38 values stay (and 30).
        // 1: mean 4910/40 = 122.75, sd 142.289: [⌈−161.83⌉, ⌊407.33⌋] = [−161, 407]; below by
        //    −161 − 90 < 0, above by 1000 − 407 = 593: the 1000 goes (39 left).
        // 2: mean 3910/39 = 100.256, sd √((392300 − 3910²/39)/38) = 2.798:
        //    [⌈94.66⌉, ⌊105.85⌋] = [95, 105]; below by 95 − 90 = 5, above by 110 − 105 = 5: not
        //    more below, so the top: both 110s would go, but only 39 − 38 = 1 may.
        // 38 left: 36 × 100, 90, 110: mean 3800/38 = 100.
        let row = try #require(statistics.row("GET"))
        #expect(row.calls == 38)
        #expect(row.outliersRemoved == 2)
        #expect([row.min, row.max] == [90, 110])
        #expect(row.mean == 100)
        #expect(statistics.global.outliersRemoved == 2)
    }

    @Test func aLowerShareKeptLetsTheCleanupGoOnUntilEveryValueIsInside() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let statistics = ReportStatistics(run: try Self.run(in: folder), options: StatisticsOptions(outliers: OutlierCleanup(factor: 2, keepPercent: 50)))
        // At least max(⌈50 % · 40⌉, 30) = 30 stay. As above the 1000 then both 110s go (37
        // left: mean 3690/37 = 99.73, sd 1.644: [97, 103]; below by 7: the 90 goes), then 36 ×
        // 100: sd 0, bounds [100, 100], nothing outside: stop.
        let row = try #require(statistics.row("GET"))
        #expect(row.calls == 36)
        #expect([row.min, row.max] == [100, 100])
        #expect(row.standardDeviation == 0)
    }

    @Test func fewerThanThirtyValuesAreLeftAlone() {
        let sorted: [Int64] = (Array(repeating: 10, count: 20) + [10_000]).sorted()
        #expect(OutlierCleanup().kept(sorted) == 0..<21)
    }

    @Test func badSettingsAreSaid() {
        #expect(OutlierCleanup(factor: 0).problem != nil)
        #expect(OutlierCleanup(keepPercent: 100).problem != nil)
        #expect(OutlierCleanup().problem == nil)
    }
}
