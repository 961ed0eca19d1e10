import ArgumentParser
import ClifReports

/// `--threshold`, `--html`, `--junit`, `--json`: what `clif run` and `clif report` make of a run.
struct ReportOutputOptions: ParsableArguments {
    @Option(name: .customLong("threshold"), help: ArgumentHelp("A pass/fail condition, e.g. \"p99 < 200ms\", \"errors < 1%\", \"rps > 1000\", \"p99{get home} < 200ms\" (repeatable); a failed one exits 99.", valueName: "expr"))
    var thresholds: [String] = []

    @Option(help: ArgumentHelp("Write a self-contained HTML report here (clif run with a test plan: beside the run folder by default).", valueName: "file"))
    var html: String?

    @Option(help: ArgumentHelp("Write the thresholds as JUnit XML here (one test case a threshold).", valueName: "file"))
    var junit: String?

    @Option(help: ArgumentHelp("Write the statistics and threshold results as JSON here (clif run with a test plan: beside the run folder by default).", valueName: "file"))
    var json: String?

    /// Refuses a malformed threshold (before any load starts).
    func validate() throws { _ = try parsedThresholds() }

    func parsedThresholds() throws -> [Threshold] {
        do { return try Threshold.parse(thresholds) } catch { throw ValidationError(error.description) }
    }

    func outputs(options: StatisticsOptions = StatisticsOptions(), tabSeparated: Bool = false, printsTable: Bool = true) throws -> ReportOutputs {
        ReportOutputs(thresholds: try parsedThresholds(), html: html, junit: junit, json: json, options: options,
                      tabSeparated: tabSeparated, printsTable: printsTable)
    }
}
