import ClifCore

/// CLIF's quick statistics computed from a run's raw action events, all blades merged event by
/// event (never by averaging blades' figures): one row per key and a `GLOBAL LOAD` row.
///
/// As `clifcmd quickstats`: `calls`, `min` … `std dev` and `throughput` are over successful
/// events only, `errors` are the failed ones, `throughput` is successful calls per second over
/// the run's ``RunWindow``. As the Jenkins CLIF plug-in: the sample standard deviation (n − 1)
/// and the interpolated median (``Percentile``). p90, p95, p99 and p99.9 are exact, from the sorted
/// durations, with the same estimator. Durations are CLIF's whole milliseconds.
public struct ReportStatistics: Sendable, Hashable, Codable {
    /// One row. Every duration is in ms and is 0 when `calls` is 0.
    public struct Row: Sendable, Hashable, Codable {
        public var key: String
        /// Successful events.
        public var calls: Int
        /// Failed events.
        public var errors: Int
        public var min: Int64
        public var max: Int64
        public var mean: Double
        public var median: Double
        /// Sample standard deviation (n − 1); 0 for fewer than two calls.
        public var standardDeviation: Double
        /// Successful calls per second over the run's window.
        public var throughput: Double
        public var p90: Double
        public var p95: Double
        public var p99: Double
        public var p999: Double
        /// Failed events in percent of all events (0 when there are none).
        public var errorPercent: Double
        /// Successful events the outlier cleanup dropped.
        public var outliersRemoved: Int

        public init(key: String, calls: Int, errors: Int, min: Int64, max: Int64, mean: Double, median: Double, standardDeviation: Double,
                    throughput: Double, p90: Double, p95: Double, p99: Double, p999: Double, errorPercent: Double, outliersRemoved: Int) {
            self.key = key
            self.calls = calls
            self.errors = errors
            self.min = min
            self.max = max
            self.mean = mean
            self.median = median
            self.standardDeviation = standardDeviation
            self.throughput = throughput
            self.p90 = p90
            self.p95 = p95
            self.p99 = p99
            self.p999 = p999
            self.errorPercent = errorPercent
            self.outliersRemoved = outliersRemoved
        }

        /// The row of `sorted` successful durations (ascending) and `errors` failed events.
        public init(key: String, sorted durations: [Int64], errors: Int, seconds: Double, outliersRemoved: Int = 0) {
            let n = durations.count
            var sum = 0.0
            for duration in durations { sum += Double(duration) }
            let mean = n == 0 ? 0 : sum / Double(n)
            var squares = 0.0
            for duration in durations {
                let deviation = Double(duration) - mean
                squares += deviation * deviation
            }
            self.init(key: key, calls: n, errors: errors, min: durations.first ?? 0, max: durations.last ?? 0, mean: mean,
                      median: Percentile.of(50, sorted: durations), standardDeviation: n > 1 ? (squares / Double(n - 1)).squareRoot() : 0,
                      throughput: seconds > 0 ? Double(n) / seconds : 0,
                      p90: Percentile.of(90, sorted: durations), p95: Percentile.of(95, sorted: durations), p99: Percentile.of(99, sorted: durations), p999: Percentile.of(99.9, sorted: durations),
                      errorPercent: n + errors == 0 ? 0 : Double(errors) * 100 / Double(n + errors), outliersRemoved: outliersRemoved)
        }
    }

    /// The name of the row of all events.
    public static let globalKey = "GLOBAL LOAD"

    /// By key.
    public var rows: [Row]
    public var global: Row
    public var window: RunWindow
    public var options: StatisticsOptions

    public init(rows: [Row], global: Row, window: RunWindow, options: StatisticsOptions) {
        self.rows = rows
        self.global = global
        self.window = window
        self.options = options
    }

    /// The statistics of `run`'s action events (all its blades) under `options`.
    public init(run: ReportRun, options: StatisticsOptions = StatisticsOptions()) {
        self.init(events: run.injectors.lazy.flatMap(\.actions), window: RunWindow(run: run, options: options), options: options)
    }

    /// The statistics of `events`, throughput over `window`.
    public init(events: some Sequence<ActionEvent>, window: RunWindow, options: StatisticsOptions = StatisticsOptions()) {
        let selection = EventSelection(events: events, options: options)
        let seconds = window.seconds
        func row(_ key: String, _ group: EventSelection.Group) -> Row {
            Row(key: key, sorted: group.kept.map(\.duration), errors: group.failed.count, seconds: seconds, outliersRemoved: group.outliersRemoved)
        }
        rows = selection.groups.keys.sorted().map { row($0, selection.groups[$0]!) }
        global = row(Self.globalKey, selection.all)
        self.window = window
        self.options = options
    }

    /// The row of `key`; ``globalKey`` names the global row.
    public func row(_ key: String) -> Row? {
        key == Self.globalKey ? global : rows.first { $0.key == key }
    }
}
