import ClifReports
import Foundation
import Testing

@Suite("JSON summary")
struct ReportSummaryTests {
    @Test func theSummaryRoundTripsAndHoldsRowsBladesAndThresholds() throws {
        let run = try Fixtures.latest()
        let statistics = ReportStatistics(run: run)
        let results = ThresholdResult.evaluate([try Threshold("p99 < 600ms")], on: statistics)
        let summary = ReportSummary(run: run, statistics: statistics, thresholds: results)
        let decoded = try JSONDecoder().decode(ReportSummary.self, from: summary.json)
        #expect(decoded == summary)
        #expect(decoded.run == Fixtures.latestRun)
        #expect(decoded.started == "2012-03-27 16:39:25")
        #expect(decoded.seconds == 4)
        #expect(decoded.global.calls == 8)
        #expect(decoded.rows.map(\.key) == ["get home", "login"])
        #expect(decoded.blades.first { $0.id == "inj2" }?.finalState == "aborted")
        #expect(decoded.blades.first { $0.id == "cpu0" }?.probe == true)
        #expect(decoded.thresholds.map(\.passed) == [true])
        #expect(decoded.skippedLines == 1)
        let text = String(decoding: summary.json, as: UTF8.self)
        #expect(text.contains("\"standardDeviation\" : 172.46"))
    }

    @Test func itIsWrittenBesideTheRunFolder() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let run = try ReportReader.read(directory: try Fixtures.ours([Fixtures.event("GET", 5, at: 10)], end: 100, in: folder))
        let path = ReportSummary.path(beside: run.folder)
        #expect(path == run.folder.path + ".json")
        try ReportSummary(run: run, statistics: ReportStatistics(run: run)).write(to: path)
        #expect(FileManager.default.fileExists(atPath: path))
        // The reader still sees one run.
        #expect(try ReportReader.runs(in: folder + "/report").count == 1)
        #expect(throws: ReportError.self) { try ReportSummary(run: run, statistics: ReportStatistics(run: run)).write(to: folder + "/missing/x.json") }
    }
}
