/// What a threshold measures on a statistics row.
public enum ThresholdMetric: Sendable, Hashable, Codable, CustomStringConvertible {
    /// A latency percentile of successful calls, ms: one of ``measuredPercentiles``.
    case percentile(Double)
    /// Mean, minimum, maximum and sample standard deviation of successful calls, ms.
    case mean, min, max, standardDeviation
    /// Failed events, as a count (`errors < 10`) or in percent of all events (`errors < 1%`).
    case errorCount, errorPercent
    /// Successful calls per second over the run's window (`rps`, `throughput`).
    case throughput
    /// Successful calls.
    case calls

    /// The names a threshold may use, as ``ThresholdError`` lists them.
    public static let names = "p50 (or median), p90, p95, p99, p99.9 (or p999), mean (or avg), min, max, sd (or stddev), errors (a count, or % of events), rps (or throughput), calls"

    /// The metric a name means, with the unit it takes; nil for an unknown name. `errors`
    /// is the count here; a `%` value makes it ``errorPercent``.
    public init?(name: String) {
        switch name.lowercased() {
        case "median": self = .percentile(50)
        case "mean", "avg", "average": self = .mean
        case "min": self = .min
        case "max": self = .max
        case "sd", "stddev", "std_dev", "std-dev": self = .standardDeviation
        case "errors", "error", "failures": self = .errorCount
        case "rps", "throughput": self = .throughput
        case "calls", "count": self = .calls
        case let other where other.hasPrefix("p"):
            var digits = String(other.dropFirst())
            // p999 is p99.9, p9999 is p99.99: a leading "99" then decimals.
            if digits.count > 2, !digits.contains("."), digits.hasPrefix("99") { digits.insert(".", at: digits.index(digits.startIndex, offsetBy: 2)) }
            guard digits.first?.isNumber == true, let p = Double(digits), Self.measuredPercentiles.contains(p) else { return nil }
            self = .percentile(p)
        default: return nil
        }
    }

    /// The percentiles a statistics row holds.
    public static let measuredPercentiles: [Double] = [50, 90, 95, 99, 99.9]

    /// Whether the metric is a duration (ms).
    public var isDuration: Bool {
        switch self {
        case .percentile, .mean, .min, .max, .standardDeviation: true
        default: false
        }
    }

    /// The metric's value on `row`.
    public func value(of row: ReportStatistics.Row) -> Double {
        switch self {
        case .percentile(let p):
            switch p {
            case 50: row.median
            case 90: row.p90
            case 95: row.p95
            case 99: row.p99
            default: row.p999
            }
        case .mean: row.mean
        case .min: Double(row.min)
        case .max: Double(row.max)
        case .standardDeviation: row.standardDeviation
        case .errorCount: Double(row.errors)
        case .errorPercent: row.errorPercent
        case .throughput: row.throughput
        case .calls: Double(row.calls)
        }
    }

    /// `p99`, `mean`, `errors`…
    public var description: String {
        switch self {
        case .percentile(let p): p == 50 ? "p50" : "p" + Self.number(p)
        case .mean: "mean"
        case .min: "min"
        case .max: "max"
        case .standardDeviation: "sd"
        case .errorCount, .errorPercent: "errors"
        case .throughput: "rps"
        case .calls: "calls"
        }
    }

    /// The unit values are shown in.
    public var unit: String {
        switch self {
        case .percentile, .mean, .min, .max, .standardDeviation: " ms"
        case .errorPercent: " %"
        case .throughput: " calls/s"
        case .errorCount, .calls: ""
        }
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
