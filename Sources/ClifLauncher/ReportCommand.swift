import ArgumentParser
import ClifComponents
import ClifReports
import Foundation

/// `clif report DIR [RUN]`: CLIF's quick statistics from a report directory's raw events, with
/// thresholds for CI, JUnit XML, a self-contained HTML page and a JSON summary.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Quick statistics, thresholds, JUnit XML, HTML and JSON from a CLIF report directory.",
        discussion: """
        Reads the latest run of DIR (by the date in its name), or RUN: a run folder's name or a test's name (its latest run). \
        DIR may also be a run folder itself. All blades are merged event by event.

        Example:
          clif report report --threshold "p99 < 200ms" --threshold "errors < 1%" --threshold "p99{get home} < 150ms" --junit clif.xml --html report.html

        Thresholds are METRIC[{ACTION TYPE}] OP VALUE[UNIT]: METRIC is p50 (median), p90, p95, p99, p99.9, mean, min, max, sd, \
        errors (a count, or with % a share of events), rps (throughput) or calls; OP is <, <=, >, >=, == or !=; durations in ms \
        (default), s or us. Without {…} a threshold is on GLOBAL LOAD.

        With --shards, the run is read from storage shards' folders (clif run --shards), merged and de-duplicated whichever \
        shard holds what, and written as a CLIF report directory (--export DIR, or a temporary folder) before it is reported:
          clif report --shards n1/shard-0,n2/shard-1,n3/shard-2 --export report

        Exit codes: 0 every threshold passed; 64 bad arguments (a bad threshold among them); 66 no such directory or run; \
        73 an output cannot be written; 99 a threshold failed (k6's code).
        """)

    @Argument(help: ArgumentHelp("The report directory (CLIF's clif.filestorage.dir, or clif run --report DIR), or a run folder.", valueName: "dir"))
    var directory: String?

    @Argument(help: ArgumentHelp("The run: a run folder's name (dummy_2012-03-27_15h14m41) or a test's name; with --shards, the shards' run name; default: the latest run.", valueName: "run"))
    var runName: String?

    @Option(help: ArgumentHelp("Read the run from these storage shards' folders (comma-separated) instead of a report directory.", valueName: "folders"))
    var shards: String?

    @Option(help: ArgumentHelp("With --shards: write the run here as a CLIF report directory, for CLIF's own tools.", valueName: "dir"))
    var export: String?

    @Flag(help: "Key rows by 'action type-comment', as the Jenkins CLIF plug-in, not by action type.")
    var byComment = false

    @Option(name: .customLong("alias"), help: ArgumentHelp("REGEX=NAME: rows whose whole key matches REGEX are renamed NAME and merged (repeatable; the first match wins).", valueName: "regex=name"))
    var aliases: [String] = []

    @Flag(name: [.customLong("clean-outliers"), .customLong("outliers")],
          help: "Drop outliers: keep durations within mean ± factor·sd, repeatedly, while at least --keep % and 30 values remain.")
    var cleanOutliers = false

    @Option(help: ArgumentHelp("Outlier cleanup: standard deviations kept around the mean (default 2; implies --clean-outliers).", valueName: "f"))
    var factor: Double?

    @Option(help: ArgumentHelp("Outlier cleanup: the percentage of values always kept (default 95; implies --clean-outliers).", valueName: "percent"))
    var keep: Double?

    @Option(help: ArgumentHelp("Only events dated at or after this many ms since the test started.", valueName: "ms"))
    var from: Int64?

    @Option(help: ArgumentHelp("Only events dated at or before this many ms since the test started.", valueName: "ms"))
    var to: Int64?

    @OptionGroup var reportOutputs: ReportOutputOptions

    @Flag(help: "Print the table tab-separated, as clifcmd quickstats does.")
    var tabSeparated = false

    static let thresholdFailed = ReportOutputs.thresholdFailed

    func validate() throws {
        _ = try statisticsOptions()
        if shards == nil && directory == nil { throw ValidationError("give a report directory, or --shards FOLDERS") }
        if shards != nil && directory != nil && runName != nil { throw ValidationError("with --shards, give at most the run's name (the shards are the directory)") }
        if export != nil && shards == nil { throw ValidationError("--export writes a run read from --shards as a report directory") }
        if let from, let to, from > to { throw ValidationError("--from \(from) is after --to \(to)") }
    }

    func statisticsOptions() throws -> StatisticsOptions {
        var options = StatisticsOptions(key: byComment ? .actionTypeAndComment : .actionType, from: from, to: to)
        do {
            options.aliases = try aliases.map { argument throws(ActionAliasError) in try ActionAlias(argument: argument) }
        } catch {
            throw ValidationError("--alias: \(error.description)")
        }
        if cleanOutliers || factor != nil || keep != nil {
            let cleanup = OutlierCleanup(factor: factor ?? 2, keepPercent: keep ?? 95)
            if let problem = cleanup.problem { throw ValidationError("--factor/--keep: \(problem)") }
            options.outliers = cleanup
        }
        return options
    }

    func run() async throws {
        let outputs = try reportOutputs.outputs(options: statisticsOptions(), tabSeparated: tabSeparated)

        var directory = self.directory ?? ""
        var runName = self.runName
        if let shards {
            let folders = shards.split(separator: ",").map(String.init)
            let target = export ?? NSTemporaryDirectory() + "clif-shards-\(UUID().uuidString)"
            do {
                let exported = try await ShardFolders.export(folders, run: self.runName ?? self.directory, to: target)
                printError("clif: run \(exported.run): \(exported.outcome.records) records from \(folders.count) shard folder(s)"
                           + (exported.outcome.lost.isEmpty ? "" : ", \(exported.outcome.lost.count) that no shard could give"))
                for (shard, reason) in exported.outcome.unreadable.sorted(by: { $0.key < $1.key }) { printError("clif: warning: \(shard): \(reason)") }
                if export != nil { printError("clif: exported to \(exported.runFolder)") }
                directory = target
                runName = URL(fileURLWithPath: exported.runFolder).lastPathComponent
            } catch {
                printError("clif: \(error)")
                throw ExitCode(ExitStatus.noInput)
            }
        }

        let report: ReportRun
        do {
            report = try ReportReader.read(directory: directory, run: runName)
        } catch {
            printError("clif: \(error)")
            throw ExitCode(ExitStatus.noInput)
        }
        let shown = 20
        for warning in report.warnings.prefix(shown) { printError(warning.description) }
        if report.warnings.count > shown { printError("clif: \(report.warnings.count - shown) more warnings (all of them are in the HTML report)") }
        if report.skippedLines > 0 { printError("clif: \(report.skippedLines) malformed line\(report.skippedLines == 1 ? "" : "s") skipped") }

        print("run: \(report.folder.name) (\(report.folder.path))")
        try outputs.present(report)
    }
}
