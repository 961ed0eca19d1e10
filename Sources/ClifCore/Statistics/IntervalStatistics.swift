import Histogram

/// One second of a run: per action type counts, errors and a coarse latency histogram, and the
/// engine's own figures (arrivals dropped, sessions started, how late arrivals started).
public struct IntervalStatistics: Sendable, Codable {
    /// Seconds since the start of the test: this interval is [second, second + 1).
    public var second: Int
    public var actions: [String: ActionStatistics] = [:]
    public var dropped: UInt64 = 0
    public var sessionsStarted: UInt64 = 0

    public init(second: Int) { self.second = second }

    public mutating func add(_ other: IntervalStatistics) {
        for (type, statistics) in other.actions {
            actions[type, default: ActionStatistics(significantDigits: .two)].add(statistics)
        }
        dropped += other.dropped
        sessionsStarted += other.sessionsStarted
    }

    /// All action types together.
    public var total: ActionStatistics {
        actions.values.reduce(into: ActionStatistics(significantDigits: .two)) { $0.add($1) }
    }
}
