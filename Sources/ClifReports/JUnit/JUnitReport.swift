/// Thresholds as a JUnit XML report, which CI servers read (Jenkins' `junit` step, GitLab,
/// GitHub actions): one `<testsuite>` for the run, one `<testcase>` a threshold, a
/// `<failure>` for each that failed, and the quick statistics in `<system-out>`.
public struct JUnitReport: Sendable {
    public var run: RunFolder
    public var results: [ThresholdResult]
    public var statistics: ReportStatistics?

    public init(run: RunFolder, results: [ThresholdResult], statistics: ReportStatistics? = nil) {
        self.run = run
        self.results = results
        self.statistics = statistics
    }

    /// The report as an XML document (UTF-8, every text escaped).
    public var xml: String {
        let failures = results.filter { !$0.passed }.count
        let suite = MarkupEscaping.attribute("clif.\(run.testName)")
        let time = QuickStats.format(statistics?.window.seconds ?? 0, 3)
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites name=\"clif report\" tests=\"\(results.count)\" failures=\"\(failures)\" errors=\"0\" time=\"\(time)\">\n"
        out += "  <testsuite name=\"\(suite)\" tests=\"\(results.count)\" failures=\"\(failures)\" errors=\"0\" skipped=\"0\" time=\"\(time)\" timestamp=\"\(isoTimestamp)\">\n"
        out += "    <properties>\n"
        out += "      <property name=\"run\" value=\"\(MarkupEscaping.attribute(run.name))\"/>\n"
        out += "      <property name=\"folder\" value=\"\(MarkupEscaping.attribute(run.path))\"/>\n"
        if let statistics {
            out += "      <property name=\"rows\" value=\"\(MarkupEscaping.attribute(statistics.options.key.rawValue))\"/>\n"
        }
        out += "    </properties>\n"
        for result in results {
            out += "    <testcase classname=\"\(suite).thresholds\" name=\"\(MarkupEscaping.attribute(result.threshold.expression))\" time=\"0\">\n"
            if !result.passed {
                out += "      <failure type=\"threshold\" message=\"\(MarkupEscaping.attribute(result.message))\">\(MarkupEscaping.text(result.message))</failure>\n"
            }
            out += "      <system-out>\(MarkupEscaping.text(result.message))</system-out>\n"
            out += "    </testcase>\n"
        }
        if let statistics {
            out += "    <system-out>\(MarkupEscaping.text(statistics.table))</system-out>\n"
        }
        out += "  </testsuite>\n</testsuites>\n"
        return out
    }

    /// `2012-03-27T15:14:41`: the run's start as its name writes it (JUnit's timestamp has no zone).
    private var isoTimestamp: String {
        let stamp = run.timestamp.description
        return String(stamp.map { $0 == " " ? "T" : $0 })
    }
}
