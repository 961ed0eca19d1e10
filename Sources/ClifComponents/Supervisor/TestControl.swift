import ClifCore
import Fractal

/// The supervisor as a launcher drives it: run the test; meanwhile read its live status,
/// suspend, resume or stop it.
@Interface("clif.TestControl")
public protocol TestControl: Sendable {
    /// Deploys nothing (the blades are bound already): init, start, watch, join and collect
    /// every blade, in parallel; returns when every blade has ended and its events are stored.
    func run(_ test: TestRequest) async throws -> TestOutcome
    /// The live figures of the last second, merged across blades.
    func status() async throws -> TestStatus
    func suspend() async throws
    func resume() async throws
    /// Stops every blade; ``run(_:)`` then returns as usual.
    func stop() async throws
}

/// What to run.
public struct TestRequest: Sendable, Codable, Hashable {
    /// The test's name: its run folder starts with it.
    public var name: String
    /// The test plan's text, copied beside the run folder.
    public var plan: String

    public init(name: String, plan: String) {
        self.name = name
        self.plan = plan
    }
}

/// How a test ended.
public struct TestOutcome: Sendable, Codable {
    /// The run folder of the report.
    public var runFolder: String
    /// Each blade's last state, and why when it was aborted.
    public var blades: [BladeOutcome]
    /// Seconds from the start to the end of the last blade.
    public var elapsed: Double
    /// Every period's figures merged across blades, as the live view saw them.
    public var intervals: [IntervalStatistics]
    /// When the first interval began (ms since the epoch), once every blade had started.
    public var intervalsStart: Int64
    /// The length of each interval (the supervisor's period), in seconds.
    public var intervalLength: Double

    public init(runFolder: String, blades: [BladeOutcome], elapsed: Double, intervals: [IntervalStatistics], intervalsStart: Int64, intervalLength: Double) {
        self.runFolder = runFolder
        self.blades = blades
        self.elapsed = elapsed
        self.intervals = intervals
        self.intervalsStart = intervalsStart
        self.intervalLength = intervalLength
    }
}

public struct BladeOutcome: Sendable, Codable, Hashable {
    public var id: String
    public var state: BladeState
    public var reason: String?
    /// When it reached that state (ms since the start).
    public var date: Int64

    public init(id: String, state: BladeState, reason: String? = nil, date: Int64) {
        self.id = id
        self.state = state
        self.reason = reason
        self.date = date
    }
}

/// The supervisor's live view.
public struct TestStatus: Sendable, Codable {
    /// Seconds since the start.
    public var elapsed: Double
    public var blades: [BladeStatus]
    /// The last second, merged across blades by adding.
    public var interval: IntervalStatistics

    public init(elapsed: Double, blades: [BladeStatus], interval: IntervalStatistics) {
        self.elapsed = elapsed
        self.blades = blades
        self.interval = interval
    }
}

public struct BladeStatus: Sendable, Codable, Hashable {
    public var id: String
    public var state: BladeState
    public var activeSessions: Int?
    /// The latest row of each probe event type, by column label.
    public var probes: [String: [String: Double]]
    /// Events its storage proxy still holds.
    public var unsent: Int
    /// An injector whose node's CPU stayed saturated: its latencies are unreliable.
    public var saturated: Bool

    public init(id: String, state: BladeState, activeSessions: Int? = nil, probes: [String: [String: Double]] = [:], unsent: Int = 0, saturated: Bool = false) {
        self.id = id
        self.state = state
        self.activeSessions = activeSessions
        self.probes = probes
        self.unsent = unsent
        self.saturated = saturated
    }
}
