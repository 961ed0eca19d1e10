import ClifReports
import Testing

@Suite("JUnit XML")
struct JUnitReportTests {
    @Test func oneTestCaseAThresholdAndAFailureForEachThatFailed() throws {
        let run = try Fixtures.latest()
        let statistics = ReportStatistics(run: run)
        let results = ThresholdResult.evaluate(try Threshold.parse(["p99 < 600ms", "p99{get home} < 200ms", "p99{checkout} < 200ms"]), on: statistics)
        let xml = JUnitReport(run: run.folder, results: results, statistics: statistics).xml
        let parsed = LibXML2Check.xml(xml)
        #expect(parsed.parsed)
        #expect(parsed.problems.isEmpty, "\(parsed.problems)")
        #expect(parsed.elements.first == "testsuites")
        #expect(parsed.elements.filter { $0 == "testsuite" }.count == 1)
        #expect(parsed.elements.filter { $0 == "testcase" }.count == 3)
        #expect(parsed.elements.filter { $0 == "failure" }.count == 2)
        let suites = parsed.attributes.filter { $0.element == "testsuites" }
        #expect(suites.first { $0.name == "tests" }?.value == "3")
        #expect(suites.first { $0.name == "failures" }?.value == "2")
        // Names with '<' come back as written.
        let names = parsed.attributes.filter { $0.element == "testcase" && $0.name == "name" }.map(\.value)
        #expect(names == ["p99 < 600ms", "p99{get home} < 200ms", "p99{checkout} < 200ms"])
        let messages = parsed.attributes.filter { $0.element == "failure" && $0.name == "message" }.map(\.value)
        #expect(messages == [results[1].message, results[2].message])
        // The quick statistics are the suite's output.
        #expect(parsed.texts["system-out"]?.last?.contains("GLOBAL LOAD") == true)
    }

    @Test func textFromFilesIsEscapedControlCharactersIncluded() throws {
        let hostile = "a <b> & \"c\" 'd' \u{1}\u{7}\n]]> e"
        let folder = RunFolder(name: "x&y_2020-01-01_00h00m00", testName: "x&y", path: "/tmp/<x&y>", timestamp: .init(year: 2020, month: 1, day: 1, hour: 0, minute: 0, second: 0))
        let threshold = try Threshold("p99{\(hostile.replacingOccurrences(of: "\n", with: " "))} < 1")
        let result = ThresholdResult(threshold: threshold, passed: false, measured: nil, message: hostile)
        let parsed = LibXML2Check.xml(JUnitReport(run: folder, results: [result]).xml)
        #expect(parsed.parsed)
        #expect(parsed.problems.isEmpty, "\(parsed.problems)")
        let message = parsed.attributes.first { $0.element == "failure" && $0.name == "message" }?.value
        #expect(message == "a <b> & \"c\" 'd' \u{FFFD}\u{FFFD}\n]]> e")
        #expect(parsed.attributes.first { $0.element == "property" && $0.name == "value" }?.value == "x&y_2020-01-01_00h00m00")
    }

    @Test func noThresholdsIsAnEmptyButValidSuite() throws {
        let run = try Fixtures.latest()
        let parsed = LibXML2Check.xml(JUnitReport(run: run.folder, results: []).xml)
        #expect(parsed.parsed && parsed.problems.isEmpty)
        #expect(parsed.elements.filter { $0 == "testcase" }.isEmpty)
    }
}
