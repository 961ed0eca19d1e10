import Histogram
import Synchronization

/// Where sessions record what they measured. Sharded by session so that sessions on different
/// threads rarely meet on a lock; ``snapshot()`` merges the shards.
public final class Recorder: Sendable {
    private struct Shard {
        var run = RunStatistics()
        var intervals: [Int: IntervalStatistics] = [:]
        var events: [ActionEvent] = []
        var alarms: [Alarm] = []
    }

    private final class Locked: Sendable {
        let shard = Mutex(Shard())
    }

    private let shards: [Locked]
    /// Seconds no shard records into any more, merged: each shard keeps only its latest ones.
    private let sealed = Mutex<[Int: IntervalStatistics]>([:])
    /// Whether action events are kept (for an `action` file) or only counted.
    public let keepsEvents: Bool

    public init(shards: Int = 8, keepsEvents: Bool = false) {
        self.shards = (0..<max(1, shards)).map { _ in Locked() }
        self.keepsEvents = keepsEvents
    }

    /// A successful or failed sample. Times in nanoseconds; `at` since the test start.
    @inline(__always)
    func record(session: Int, type: String, success: Bool, failure: String?, latency: Int64, service: Int64, at: Int64, event: @autoclosure () -> ActionEvent) {
        let second = Int(max(0, at) / 1_000_000_000)
        let latencyMicros = UInt64(max(0, latency) / 1_000)
        let serviceMicros = UInt64(max(0, service) / 1_000)
        let keep = keepsEvents
        shards[session % shards.count].shard.withLock { shard in
            if success {
                shard.run.actions[type, default: ActionStatistics()].recordSuccess(latency: latencyMicros, service: serviceMicros)
            } else {
                shard.run.actions[type, default: ActionStatistics()].recordError(failure ?? "failed")
            }
            self.interval(&shard, second) { interval in
                if success {
                    interval.actions[type, default: ActionStatistics(significantDigits: .two)].recordSuccess(latency: latencyMicros, service: serviceMicros)
                } else {
                    interval.actions[type, default: ActionStatistics(significantDigits: .two)].recordError(failure ?? "failed")
                }
            }
            if keep { shard.events.append(event()) }
        }
    }

    func recordDropped(at: Int64, count: UInt64 = 1) {
        shards[0].shard.withLock { shard in
            shard.run.dropped += count
            self.interval(&shard, Int(max(0, at) / 1_000_000_000)) { $0.dropped += count }
        }
    }

    func recordSessionStart(session: Int, at: Int64) {
        shards[session % shards.count].shard.withLock { shard in
            shard.run.sessionsStarted += 1
            self.interval(&shard, Int(max(0, at) / 1_000_000_000)) { $0.sessionsStarted += 1 }
        }
    }

    func recordStartLag(session: Int, _ lag: Int64) {
        shards[session % shards.count].shard.withLock { shard in
            _ = shard.run.startLag.record(min(UInt64(max(0, lag) / 1_000), ActionStatistics.highestValue))
        }
    }

    func recordAlarm(_ alarm: Alarm) {
        shards[0].shard.withLock { $0.alarms.append(alarm) }
    }

    private func interval(_ shard: inout Shard, _ second: Int, _ change: (inout IntervalStatistics) -> Void) {
        if shard.intervals[second] == nil, shard.intervals.count >= 3 {
            // Events come late by at most a call's duration: seconds older than two are done.
            let old = shard.intervals.filter { $0.key < second - 2 }
            if !old.isEmpty {
                for key in old.keys { shard.intervals[key] = nil }
                sealed.withLock { sealed in
                    for (key, interval) in old { sealed[key, default: IntervalStatistics(second: key)].add(interval) }
                }
            }
        }
        change(&shard.intervals[second, default: IntervalStatistics(second: second)])
    }

    /// Everything recorded so far, merged.
    public func snapshot(elapsed: Double = 0) -> RunStatistics {
        var merged = RunStatistics()
        var intervals = sealed.withLock { $0 }
        for locked in shards {
            locked.shard.withLock { shard in
                merged.add(shard.run)
                for (second, interval) in shard.intervals { intervals[second, default: IntervalStatistics(second: second)].add(interval) }
            }
        }
        if let last = intervals.keys.max() {
            merged.intervals = (0...last).map { intervals[$0] ?? IntervalStatistics(second: $0) }
        }
        merged.elapsed = elapsed
        return merged
    }

    /// One second's figures, merged (for a live line).
    public func interval(_ second: Int) -> IntervalStatistics {
        var merged = sealed.withLock { $0[second] } ?? IntervalStatistics(second: second)
        for locked in shards {
            locked.shard.withLock { shard in
                if let interval = shard.intervals[second] { merged.add(interval) }
            }
        }
        return merged
    }

    /// The action events kept since the last call, oldest first per session (for an `action` file).
    public func drainEvents() -> [ActionEvent] {
        var events: [ActionEvent] = []
        for locked in shards {
            locked.shard.withLock { shard in
                events.append(contentsOf: shard.events)
                shard.events.removeAll(keepingCapacity: true)
            }
        }
        return events
    }

    /// Open-model arrivals dropped so far.
    public var dropped: UInt64 { shards[0].shard.withLock { $0.run.dropped } }

    public func drainAlarms() -> [Alarm] {
        shards[0].shard.withLock { shard in
            defer { shard.alarms.removeAll() }
            return shard.alarms
        }
    }
}
