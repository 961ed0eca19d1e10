import ClifCore
import Fractal

/// A blade as the supervisor drives it: CLIF's lifecycle (init, start, suspend, resume, stop,
/// join, collect), its state, and live statistics.
@Interface("clif.BladeControl")
public protocol BladeControl: Sendable {
    /// Prepares the insert; the blade is `initialized` after it. Returns what it is.
    func initialize(_ test: TestInfo) async throws -> BladeInfo
    func start() async throws
    /// Returns once no request or sample runs.
    func suspend() async throws
    func resume() async throws
    func stop() async throws
    /// From now on, the blade's injector runs `factor` times the load its profile says.
    func scaleLoad(_ factor: Double) async throws
    /// Waits for the end of the blade's run; returns its last state (`completed` or `stopped`)
    /// once its events have gone to the storage proxy; throws with the reason when the insert
    /// failed (the blade is then `aborted`).
    func join() async throws -> BladeState
    /// Sends every event the storage proxy still holds to the storage; returns how many.
    func collect() async throws -> Int
    func state() async throws -> BladeState
    /// What the blade measured since the previous call.
    func statistics() async throws -> BladeSnapshot
}

/// The test a blade takes part in.
public struct TestInfo: Sendable, Codable, Hashable {
    /// The test's name: its report's run folder starts with it.
    public var name: String
    /// When the test started (ms since 1970, on the supervisor's clock).
    public var start: Int64

    public init(name: String, start: Int64) {
        self.name = name
        self.start = start
    }
}

/// A blade as it describes itself once initialized.
public struct BladeInfo: Sendable, Codable, Hashable {
    public var id: String
    /// The event types it produces: each is a file of its report folder.
    public var eventTypes: [EventType]
    /// Properties of its node (`server.prop`): host name, cores, memory, system.
    public var server: [String: String]
    /// Injectors of one group run the same share of one load: when one is lost, the others
    /// may take its share (`clif run --on-injector-loss rebalance`). Nil: a group of its own.
    public var group: String?

    public init(id: String, eventTypes: [EventType], server: [String: String], group: String? = nil) {
        self.id = id
        self.eventTypes = eventTypes
        self.server = server
        self.group = group
    }
}

/// A blade's figures since the previous snapshot, merged across blades by adding.
public struct BladeSnapshot: Sendable, Codable {
    public var state: BladeState
    /// Per action type: counts, errors and a latency histogram of the interval.
    public var interval: IntervalStatistics
    /// Sessions running (injectors).
    public var activeSessions: Int?
    /// The latest row of each probe event type (columns as ``BladeInfo/eventTypes`` label them).
    public var probes: [String: [Double]]
    /// Events the storage proxy still holds.
    public var unsent: Int

    public init(state: BladeState, interval: IntervalStatistics, activeSessions: Int? = nil, probes: [String: [Double]] = [:], unsent: Int = 0) {
        self.state = state
        self.interval = interval
        self.activeSessions = activeSessions
        self.probes = probes
        self.unsent = unsent
    }
}
