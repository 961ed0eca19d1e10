import Foundation

/// A run's statistics as JSON, for tools and trend charts: the run, the options, every row
/// (``ReportStatistics/Row``), the blades' final states, the threshold results, and how many
/// lines were skipped.
public struct ReportSummary: Sendable, Hashable, Codable {
    /// One blade, in brief.
    public struct Blade: Sendable, Hashable, Codable {
        public var id: String
        public var probe: Bool
        /// The label of the lifecycle's last state (`completed`, `aborted`), nil without a lifecycle.
        public var finalState: String?
        public var abortReasons: [String]
        public var actions: Int
        public var alarms: Int
    }

    public var run: String
    public var test: String
    /// `2012-03-27 15:14:41`, as the run's name writes it.
    public var started: String
    public var window: RunWindow
    public var seconds: Double
    public var options: StatisticsOptions
    public var rows: [ReportStatistics.Row]
    public var global: ReportStatistics.Row
    public var blades: [Blade]
    public var thresholds: [ThresholdResult]
    public var skippedLines: Int

    public init(run: ReportRun, statistics: ReportStatistics, thresholds: [ThresholdResult] = []) {
        self.run = run.folder.name
        test = run.folder.testName
        started = run.folder.timestamp.description
        window = statistics.window
        seconds = statistics.window.seconds
        options = statistics.options
        rows = statistics.rows
        global = statistics.global
        blades = run.blades.map {
            Blade(id: $0.id, probe: $0.isProbe, finalState: $0.finalState.map { $0.label.isEmpty ? String($0.stateID) : $0.label },
                  abortReasons: $0.abortReasons, actions: $0.actions.count, alarms: $0.alarms.count)
        }
        self.thresholds = thresholds
        skippedLines = run.skippedLines
    }

    /// Pretty-printed JSON with sorted keys.
    public var json: Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Every number is finite (rows are 0 where there is nothing to measure).
        return (try? encoder.encode(self)) ?? Data("{}".utf8)
    }

    /// `<run folder>.json`: beside the run folder, as the test plan is.
    public static func path(beside run: RunFolder) -> String { run.path + ".json" }

    /// Writes the JSON to `path` (``path(beside:)`` puts it beside the run folder); throws a
    /// ``ReportError`` that names the path.
    public func write(to path: String) throws(ReportError) {
        do {
            try json.write(to: URL(fileURLWithPath: path))
        } catch {
            throw ReportError("cannot write \(path): \(error.localizedDescription)")
        }
    }
}
