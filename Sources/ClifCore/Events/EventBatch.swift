/// Events a blade hands on at once (insert → data collector → storage proxy → storage): one
/// call for many events, so that the path costs per batch, not per request.
public struct EventBatch: Sendable, Codable, Hashable {
    public var actions: [ActionEvent]
    public var probes: [ProbeEvent]
    public var alarms: [Alarm]
    /// Open-model arrivals dropped since the previous batch.
    public var dropped: UInt64
    /// Sessions running when the batch was made (nil for a probe).
    public var activeSessions: Int?

    public init(actions: [ActionEvent] = [], probes: [ProbeEvent] = [], alarms: [Alarm] = [], dropped: UInt64 = 0, activeSessions: Int? = nil) {
        self.actions = actions
        self.probes = probes
        self.alarms = alarms
        self.dropped = dropped
        self.activeSessions = activeSessions
    }

    /// Events in the batch (actions, probe rows, alarms).
    public var count: Int { actions.count + probes.count + alarms.count }
    public var isEmpty: Bool { count == 0 }

    /// Appends `other`'s events; keeps the latest session count.
    public mutating func append(_ other: EventBatch) {
        actions += other.actions
        probes += other.probes
        alarms += other.alarms
        dropped += other.dropped
        if let sessions = other.activeSessions { activeSessions = sessions }
    }
}

/// One measurement of a probe: a line of its event type's file (`date,v1,v2…`), the date in
/// milliseconds since the test started.
public struct ProbeEvent: Sendable, Codable, Hashable {
    /// The event type: the name of its report file (`cpu`, `memory` …).
    public var type: String
    public var date: Int64
    public var values: [Double]

    public init(type: String, date: Int64, values: [Double]) {
        self.type = type
        self.date = date
        self.values = values
    }
}

/// An event type a blade produces: its report file's name and column labels.
public struct EventType: Sendable, Codable, Hashable {
    public var name: String
    /// Labels of the columns after the date.
    public var labels: [String]

    public init(name: String, labels: [String]) {
        self.name = name
        self.labels = labels
    }

    /// The header line of its file: `# date, label1, label2…`.
    public var fileHeader: String { (["# date"] + labels).joined(separator: ", ") }

    /// What injectors produce.
    public static let action = EventType(name: "action", labels: ["session id", "action type", "iteration", "success", "duration", "comment", "result"])
}
