import ArgumentParser
import ClifReports
import Foundation

/// What `clif report` and `clif run` do with a finished run: the quick statistics from its raw
/// events, the thresholds, and the HTML, JUnit and JSON files asked for.
struct ReportOutputs {
    var thresholds: [Threshold] = []
    var html: String?
    var junit: String?
    var json: String?
    var options = StatisticsOptions()
    var tabSeparated = false
    /// Whether the quick statistics table is printed (the caller may have printed its own).
    var printsTable = true

    /// Whether there is anything to do beyond the table.
    var isEmpty: Bool { thresholds.isEmpty && html == nil && junit == nil && json == nil }

    /// k6's exit code for failed thresholds.
    static let thresholdFailed: Int32 = 99

    /// Prints and writes everything about `report`; throws the exit code a failure calls for
    /// (73 an output cannot be written, 99 a threshold failed).
    func present(_ report: ReportRun) throws {
        let statistics = ReportStatistics(run: report, options: options)
        let results = ThresholdResult.evaluate(thresholds, on: statistics)
        for blade in report.blades where blade.aborted != nil {
            let reasons = blade.abortReasons
            print("blade \(blade.id) aborted at \(blade.aborted!.date) ms\(reasons.isEmpty ? "" : ": " + reasons.joined(separator: "; "))")
        }
        if printsTable { print(tabSeparated ? statistics.tabSeparated : statistics.table) }
        for result in results { print("\(result.passed ? "PASS" : "FAIL") \(result.message)") }

        var failedWrite = false
        func write(_ text: @autoclosure () -> Data, to path: String?, what: String) {
            guard let path else { return }
            do {
                try text().write(to: URL(fileURLWithPath: path))
                print("\(what): \(path)")
            } catch {
                printError("clif: cannot write the \(what) to \(path): \(error.localizedDescription)")
                failedWrite = true
            }
        }
        write(Data(HTMLReport(run: report, statistics: statistics, series: TimeSeries(run: report, options: options), thresholds: results).html.utf8),
              to: html, what: "HTML report")
        write(Data(JUnitReport(run: report.folder, results: results, statistics: statistics).xml.utf8), to: junit, what: "JUnit XML")
        write(ReportSummary(run: report, statistics: statistics, thresholds: results).json, to: json, what: "JSON summary")

        if failedWrite { throw ExitCode(ExitStatus.cannotCreate) }
        if results.contains(where: { !$0.passed }) { throw ExitCode(Self.thresholdFailed) }
    }

    /// Reads `runFolder` back and presents it.
    func present(runFolder: String) throws {
        let report: ReportRun
        do {
            report = try ReportReader.read(directory: runFolder)
        } catch {
            printError("clif: cannot read the report back: \(error)")
            throw ExitCode(ExitStatus.software)
        }
        try present(report)
    }
}
