import ClifReports
import Fractal

/// The content of the analyzer (`ADL/clif/Analyzer.fractal`): CLIF's analyzer, the quick
/// statistics and thresholds of a finished run, from its report's raw events.
public final class Analyzer: Analysis {
    public init() {}

    public static func register(in registry: Registry = .shared) {
        registry.register(AnalysisProxy.self)
        registry.registerContent("clif.Analyzer") { Analyzer() }
    }

    public func analyze(_ runFolder: String, thresholds: [String]) async throws -> AnalysisResult {
        let parsed = try Threshold.parse(thresholds)
        let run = try ReportReader.read(directory: runFolder)
        let statistics = ReportStatistics(run: run)
        return AnalysisResult(table: statistics.table, thresholds: ThresholdResult.evaluate(parsed, on: statistics),
                              warnings: run.warnings.map(\.description))
    }
}
