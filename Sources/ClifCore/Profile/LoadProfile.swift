/// How many sessions run over time: the scenario's own population curves (closed), or an
/// arrival rate (open).
public enum LoadProfile: Sendable {
    /// Each group keeps its active sessions on its curve; a session that ends its behaviour is
    /// replaced by a new one with a new id.
    case closed([PopulationGroup])
    case open(OpenProfile)

    /// When the load ends, in seconds.
    public var duration: Double {
        switch self {
        case .closed(let groups): groups.map(\.curve.duration).max() ?? 0
        case .open(let profile): profile.rate.duration
        }
    }
}

/// An open model for one behaviour.
public struct OpenProfile: Sendable {
    public var behavior: String
    public var rate: ArrivalRate
    /// At most this many sessions at once. An arrival that finds none free waits for the first
    /// that comes free and starts late, its latency still counted from its intended start (as
    /// wrk2 counts); one that cannot start within ``maxLateness`` is dropped, and counted.
    public var maxSessions: Int
    /// Seconds an arrival may start late before it is dropped.
    public var maxLateness: Double
    /// An arrival runs one iteration of the behaviour on an idle session, which keeps its
    /// plug-in instances (and so its connections) from one arrival to the next (true); or each
    /// arrival is a new session (false).
    public var reuseSessions: Bool

    public init(behavior: String, rate: ArrivalRate, maxSessions: Int = 10_000, maxLateness: Double = 10, reuseSessions: Bool = true) {
        self.behavior = behavior
        self.rate = rate
        self.maxSessions = maxSessions
        self.maxLateness = maxLateness
        self.reuseSessions = reuseSessions
    }
}

extension LoadProfile {
    /// The profile of a run asked for as `clif run` and the injector component ask: `rate`
    /// arrivals per second (open) or `users` sessions (closed) for `duration` seconds (30 by
    /// default), or else the scenario's own groups, capped by `duration` when given. Nil when
    /// neither is asked and the scenario has no groups. The time limit is the cap, if any.
    public static func requested(behavior: String, users: Int?, rate: Double?, duration: Double?, groups: [PopulationGroup],
                                 maxSessions: Int = 10_000, reuseSessions: Bool = true) -> (profile: LoadProfile, timeLimit: Double?)? {
        let length = duration ?? 30
        if let rate {
            return (.open(OpenProfile(behavior: behavior, rate: .constant(rate, for: length), maxSessions: maxSessions, reuseSessions: reuseSessions)), nil)
        }
        if let users {
            let ramp = Ramp(.line, from: .init(x: 0, y: Double(users)), to: .init(x: length, y: Double(users)))
            return (.closed([PopulationGroup(behavior: behavior, ramps: [ramp])]), nil)
        }
        guard !groups.isEmpty else { return nil }
        return (.closed(groups), duration)
    }
}
