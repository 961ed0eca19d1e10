import ClifCore

/// What one blade left in a run folder: its action events, its lifecycle, its alarms, its
/// probe series and the properties of the node it ran on.
public struct BladeReport: Sendable {
    /// The blade's id: its folder's name.
    public var id: String
    public var path: String
    /// The blade in the test plan, when the plan is there and names it.
    public var plan: TestPlan.Blade?
    /// The action events in file order; empty for a probe.
    public var actions: [ActionEvent]
    /// Sorted by date, then state id (real files put equal dates out of state order).
    public var lifecycle: [LifecycleEvent]
    public var alarms: [Alarm]
    /// One series a probe file.
    public var probes: [ProbeSeries]
    /// `server.prop`.
    public var server: [String: String]
    /// Whether the blade has an `action` file.
    public var hasActions: Bool

    public init(id: String, path: String, plan: TestPlan.Blade? = nil, actions: [ActionEvent] = [], lifecycle: [LifecycleEvent] = [],
                alarms: [Alarm] = [], probes: [ProbeSeries] = [], server: [String: String] = [:], hasActions: Bool) {
        self.id = id
        self.path = path
        self.plan = plan
        self.actions = actions
        self.lifecycle = lifecycle
        self.alarms = alarms
        self.probes = probes
        self.server = server
        self.hasActions = hasActions
    }

    /// A probe: the plan says so, or the blade wrote no `action` file.
    public var isProbe: Bool {
        guard let plan else { return !hasActions }
        if case .probe = plan.kind { return true }
        return false
    }

    /// The lifecycle's last state.
    public var finalState: LifecycleEvent? { lifecycle.last }

    /// The `aborted` line, when the blade aborted.
    public var aborted: LifecycleEvent? { lifecycle.last { $0.state == .aborted } }

    /// When the blade started running (its first `running` state), if its lifecycle says.
    public var runningSince: Int64? { lifecycle.first { $0.state == .running }?.date }

    /// When the blade ended (its last completed, stopped or aborted state), if its lifecycle says.
    public var endedAt: Int64? { lifecycle.last { $0.isEnd }?.date }

    /// Why the blade aborted, as far as its files say: text after `aborted` in the lifecycle,
    /// then its alarms of severity 2 (error) or 3 (fatal) up to the abort. Empty when it did
    /// not abort or left no reason.
    public var abortReasons: [String] {
        guard let aborted else { return [] }
        var reasons: [String] = []
        if let reason = aborted.reason { reasons.append(reason) }
        reasons += alarms.filter { $0.severity >= 2 && $0.date <= aborted.date }.map(\.message)
        return reasons
    }
}
