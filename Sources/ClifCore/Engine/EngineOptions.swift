/// How an engine runs its sessions.
public struct EngineOptions: Sendable {
    /// Seeds every session's random numbers (session n gets a seed derived from it and n).
    public var seed: UInt64
    /// Executors sessions run on, spread round robin (the event loops of a protocol plug-in, so
    /// that a session and its connection share a thread). Empty: the global pool.
    public var executors: [any TaskExecutor]
    /// A hard limit on the whole run, seconds after the start: every session is stopped then,
    /// whatever the profile says. Nil: the profile's end (and for groups that do not force a
    /// stop, when their sessions finish).
    public var timeLimit: Double?
    /// Keep every action event for an `action` file.
    public var keepsEvents: Bool
    /// Seconds that sessions still running when the profile ends may go on (open-model
    /// iterations in flight, groups that do not force a stop) before they are stopped: the run
    /// always ends.
    public var drainTime: Double
    /// Closed model: the load can be rescaled while it runs (``LoadEngine/scaleLoad(to:)``).
    /// The scheduler then sleeps in a task of its own that a new factor cuts short, so that
    /// when a population falls, its sessions may see it one iteration late (the scheduler
    /// wakes after them); without it, the scheduler wakes first.
    public var rescalable: Bool

    public init(seed: UInt64 = 1, executors: [any TaskExecutor] = [], timeLimit: Double? = nil, keepsEvents: Bool = false, drainTime: Double = 10,
                rescalable: Bool = false) {
        self.rescalable = rescalable
        self.seed = seed
        self.executors = executors
        self.timeLimit = timeLimit
        self.keepsEvents = keepsEvents
        self.drainTime = drainTime
    }
}
