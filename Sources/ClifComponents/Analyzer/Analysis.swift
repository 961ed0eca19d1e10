import ClifReports
import Fractal

/// A finished run's figures, as the analyzer gives them.
@Interface("clif.Analysis")
public protocol Analysis: Sendable {
    /// Reads the run folder `runFolder` (ours or CLIF's), merges its blades from their raw
    /// events and evaluates `thresholds` (`p99 < 200ms` …) on them.
    func analyze(_ runFolder: String, thresholds: [String]) async throws -> AnalysisResult
}

/// The quick statistics of a run and its thresholds.
public struct AnalysisResult: Sendable, Codable, Hashable {
    /// CLIF's quick statistics, as `clif report` prints them.
    public var table: String
    public var thresholds: [ThresholdResult]
    /// Warnings of the reading (malformed lines), `file:line: …`.
    public var warnings: [String]

    public init(table: String, thresholds: [ThresholdResult], warnings: [String]) {
        self.table = table
        self.thresholds = thresholds
        self.warnings = warnings
    }

    public var passed: Bool { thresholds.allSatisfy(\.passed) }
}
