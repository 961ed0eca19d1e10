import Histogram

/// Everything a run measured, whole-run and per second: what quick statistics, live lines and
/// reports are made from. Runs of several injectors merge by ``add(_:)``.
public struct RunStatistics: Sendable, Codable {
    public var actions: [String: ActionStatistics] = [:]
    /// Per second, in order, without gaps.
    public var intervals: [IntervalStatistics] = []
    public var dropped: UInt64 = 0
    public var sessionsStarted: UInt64 = 0
    /// How late the first call of each open-model iteration was sent after its intended time,
    /// microseconds.
    public var startLag: Histogram<UInt64> = Histogram(highestTrackableValue: ActionStatistics.highestValue, numberOfSignificantValueDigits: .three)
    /// The measured time, in seconds (from the first to the last instant of the load).
    public var elapsed: Double = 0

    public init() {}

    public mutating func add(_ other: RunStatistics) {
        for (type, statistics) in other.actions { actions[type, default: ActionStatistics()].add(statistics) }
        for interval in other.intervals {
            while intervals.count <= interval.second { intervals.append(IntervalStatistics(second: intervals.count)) }
            intervals[interval.second].add(interval)
        }
        dropped += other.dropped
        sessionsStarted += other.sessionsStarted
        startLag.add(other.startLag)
        elapsed = max(elapsed, other.elapsed)
    }

    /// All action types together (CLIF's `GLOBAL LOAD`).
    public var total: ActionStatistics {
        actions.values.reduce(into: ActionStatistics()) { $0.add($1) }
    }
}
