/// The stretch of time a run's throughput is counted over, in ms since the test started.
///
/// From the earliest `running` state of the blades that wrote action events to the latest
/// end (completed, stopped or aborted) of those blades, as their `lifecycle` files say; a
/// blade without those lines counts from 0 (the test's start) to its last event. A date window
/// (``StatisticsOptions/from``, ``StatisticsOptions/to``) cuts it.
public struct RunWindow: Sendable, Hashable, Codable {
    public var start: Int64
    public var end: Int64

    public init(start: Int64, end: Int64) {
        self.start = start
        self.end = end
    }

    /// The window's length in seconds (0 when it is empty).
    public var seconds: Double { end > start ? Double(end - start) / 1000 : 0 }

    /// The window of `run`, cut by the options' date window.
    public init(run: ReportRun, options: StatisticsOptions = StatisticsOptions()) {
        var start: Int64?
        var end: Int64?
        for blade in run.injectors {
            let bladeStart = blade.runningSince ?? 0
            let bladeEnd = blade.endedAt ?? blade.actions.map(\.date).max() ?? bladeStart
            start = min(start ?? bladeStart, bladeStart)
            end = max(end ?? bladeEnd, bladeEnd)
        }
        var window = RunWindow(start: start ?? 0, end: end ?? 0)
        if let from = options.from { window.start = max(window.start, from) }
        if let to = options.to { window.end = min(window.end, to) }
        if window.end < window.start { window.end = window.start }
        self = window
    }
}
