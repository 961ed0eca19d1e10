/// A threshold checked against a run: ``Threshold/evaluate(_:)``.
public struct ThresholdResult: Sendable, Hashable, Codable {
    public var threshold: Threshold
    public var passed: Bool
    /// The value measured in the metric's unit; nil when there was nothing to measure (no such
    /// row, no successful call).
    public var measured: Double?
    /// `p99{get home} < 200ms: p99 of get home is 183.000 ms (< 200 ms)`.
    public var message: String

    public init(threshold: Threshold, passed: Bool, measured: Double?, message: String) {
        self.threshold = threshold
        self.passed = passed
        self.measured = measured
        self.message = message
    }

    /// Evaluates each threshold.
    public static func evaluate(_ thresholds: [Threshold], on statistics: ReportStatistics) -> [ThresholdResult] {
        thresholds.map { $0.evaluate(statistics) }
    }
}
