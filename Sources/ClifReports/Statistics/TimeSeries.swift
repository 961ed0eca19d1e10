import ClifCore

/// A run's action events second by second, for charts: per key (and for all keys together),
/// the successful calls, the errors and the latency percentiles of each second.
///
/// An event counts in the second of its date (its completion, ms since the test started,
/// divided by 1000). The same events as ``ReportStatistics`` under the same options: date
/// window, aliases and outlier cleanup apply.
public struct TimeSeries: Sendable, Hashable, Codable {
    /// One second of one key.
    public struct Point: Sendable, Hashable, Codable {
        /// Seconds since the test started.
        public var second: Int64
        /// Successful calls completed in this second (calls per second).
        public var calls: Int
        public var errors: Int
        /// Latency percentiles of the successful calls, ms; nil when there was none.
        public var p50: Double?
        public var p90: Double?
        public var p99: Double?

        public init(second: Int64, calls: Int, errors: Int, p50: Double?, p90: Double?, p99: Double?) {
            self.second = second
            self.calls = calls
            self.errors = errors
            self.p50 = p50
            self.p90 = p90
            self.p99 = p99
        }
    }

    /// The seconds covered, from the run's window and the events' dates; every series has one
    /// point for each.
    public var seconds: ClosedRange<Int64>
    /// By key, each with one point a second.
    public var series: [String: [Point]]
    /// All keys together.
    public var global: [Point]

    public init(seconds: ClosedRange<Int64>, series: [String: [Point]], global: [Point]) {
        self.seconds = seconds
        self.series = series
        self.global = global
    }

    /// The keys, sorted.
    public var keys: [String] { series.keys.sorted() }

    /// The time series of `run` under `options`.
    public init(run: ReportRun, options: StatisticsOptions = StatisticsOptions()) {
        self.init(events: run.injectors.lazy.flatMap(\.actions), window: RunWindow(run: run, options: options), options: options)
    }

    public init(events: some Sequence<ActionEvent>, window: RunWindow, options: StatisticsOptions = StatisticsOptions()) {
        let selection = EventSelection(events: events, options: options)
        let all = selection.all
        let dates = all.kept.map(\.date) + all.failed.map(\.date)
        let first = Swift.min(window.start, dates.min() ?? window.start) / 1000
        let last = Swift.max(window.end, dates.max() ?? window.end) / 1000
        let seconds = first...Swift.max(first, last)
        func points(_ group: EventSelection.Group) -> [Point] {
            let count = Int(seconds.upperBound - seconds.lowerBound + 1)
            var durations = [[Int64]](repeating: [], count: count)
            var errors = [Int](repeating: 0, count: count)
            // `kept` is sorted by duration: each second's durations come out sorted.
            for event in group.kept { durations[Int(event.date / 1000 - seconds.lowerBound)].append(event.duration) }
            for event in group.failed { errors[Int(event.date / 1000 - seconds.lowerBound)] += 1 }
            return (0..<count).map { index in
                let sorted = durations[index]
                return Point(second: seconds.lowerBound + Int64(index), calls: sorted.count, errors: errors[index],
                             p50: sorted.isEmpty ? nil : Percentile.of(50, sorted: sorted),
                             p90: sorted.isEmpty ? nil : Percentile.of(90, sorted: sorted),
                             p99: sorted.isEmpty ? nil : Percentile.of(99, sorted: sorted))
            }
        }
        self.seconds = seconds
        series = selection.groups.mapValues(points)
        global = points(all)
    }
}
