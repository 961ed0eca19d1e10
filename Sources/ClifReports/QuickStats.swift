import ClifCore

/// CLIF's quick statistics: one row per action type and a `GLOBAL LOAD` row, over successful
/// calls (errors counted apart), with the percentiles and dropped arrivals CLIF does not show.
///
/// Durations are shown in milliseconds with three decimals, from microsecond measurements
/// (CLIF's own `action` files keep whole milliseconds, which says nothing of a sub-millisecond
/// server).
public struct QuickStats: Sendable {
    public struct Row: Sendable {
        public var type: String
        public var calls: UInt64
        /// Milliseconds.
        public var min: Double, max: Double, mean: Double, median: Double, standardDeviation: Double
        /// Successful calls per second over the run.
        public var throughput: Double
        public var errors: UInt64
        public var p90: Double, p99: Double, p999: Double
        /// Service time (from the actual send) at the 99th percentile, ms.
        public var serviceP99: Double
    }

    public var rows: [Row]
    public var global: Row
    public var dropped: UInt64
    public var elapsed: Double
    public var errorsByKind: [String: UInt64]
    /// How late first calls were sent after their intended time, p99, ms (open models).
    public var startLagP99: Double
    /// Whether the run had an open model (arrivals with intended start times).
    public var isOpen: Bool

    public init(_ statistics: RunStatistics) {
        let elapsed = max(statistics.elapsed, 1e-9)
        func row(_ type: String, _ action: ActionStatistics) -> Row {
            let ms = { (micros: Double) in micros / 1_000 }
            return Row(type: type, calls: action.calls,
                       min: action.calls == 0 ? 0 : ms(Double(action.minimum)), max: ms(Double(action.maximum)), mean: ms(action.mean),
                       median: ms(Double(action.latencyPercentile(50))), standardDeviation: ms(action.standardDeviation),
                       throughput: Double(action.calls) / elapsed, errors: action.errors,
                       p90: ms(Double(action.latencyPercentile(90))), p99: ms(Double(action.latencyPercentile(99))),
                       p999: ms(Double(action.latencyPercentile(99.9))), serviceP99: ms(Double(action.servicePercentile(99))))
        }
        rows = statistics.actions.sorted { $0.key < $1.key }.map { row($0.key, $0.value) }
        let total = statistics.total
        global = row("GLOBAL LOAD", total)
        dropped = statistics.dropped
        self.elapsed = statistics.elapsed
        errorsByKind = total.errorsByKind
        startLagP99 = statistics.startLag.totalCount == 0 ? 0 : Double(statistics.startLag.valueAtPercentile(99)) / 1_000
        isOpen = statistics.startLag.totalCount > 0
    }

    public static let columns = ["action type", "calls", "min", "max", "mean", "median", "std dev", "throughput", "errors", "p90", "p99", "p99.9"]

    /// CLIF's layout: tab-separated, a header line, one line per action type, then `GLOBAL LOAD`.
    public var tabSeparated: String {
        var lines = [Self.columns.joined(separator: "\t")]
        for row in rows + [global] { lines.append(Self.cells(row).joined(separator: "\t")) }
        return lines.joined(separator: "\n")
    }

    /// The same table with aligned columns, and a line on dropped arrivals and errors.
    public var table: String {
        let body = (rows + [global]).map(Self.cells)
        let all = [Self.columns] + body
        let widths = Self.columns.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        var lines = all.map { cells in
            cells.enumerated().map { index, cell in
                index == 0 ? cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[index] - cell.count) + cell
            }.joined(separator: "  ")
        }
        lines.insert(String(repeating: "-", count: lines[0].count), at: 1)
        var summary = "durations in ms, over successful calls; throughput in calls/s over \(Self.format(elapsed, 1)) s; dropped arrivals: \(dropped)"
        if !errorsByKind.isEmpty {
            summary += "; errors: " + errorsByKind.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        }
        lines.append(summary)
        if isOpen {
            lines.append("open model: latency counted from each arrival's intended start; service time p99 \(Self.format(global.serviceP99, 3)) ms; sent late by p99 \(Self.format(startLagP99, 3)) ms")
        }
        return lines.joined(separator: "\n")
    }

    static func cells(_ row: Row) -> [String] {
        [row.type, String(row.calls), format(row.min, 3), format(row.max, 3), format(row.mean, 3), format(row.median, 3), format(row.standardDeviation, 3),
         format(row.throughput, 3), String(row.errors), format(row.p90, 3), format(row.p99, 3), format(row.p999, 3)]
    }

    /// Fixed decimals without Foundation's locale.
    public static func format(_ value: Double, _ decimals: Int) -> String {
        guard value.isFinite else { return "0" }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        let whole = Int(scaled / scale)
        let fraction = Int(scaled - Double(whole) * scale)
        let sign = value < 0 && scaled > 0 ? "-" : ""
        guard decimals > 0 else { return sign + String(whole) }
        let digits = String(fraction)
        return sign + String(whole) + "." + String(repeating: "0", count: decimals - digits.count) + digits
    }
}
