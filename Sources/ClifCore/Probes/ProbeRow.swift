/// One sample of one event type: a line of that event type's file.
public struct ProbeRow: Sendable, Hashable {
    public var eventType: ProbeEventType
    /// Milliseconds since the test's start: the time the sample was taken at.
    public var date: Int64
    /// One value per column of ``eventType``, in its order.
    public var values: [Double]

    public init(eventType: ProbeEventType, date: Int64, values: [Double]) {
        self.eventType = eventType
        self.date = date
        self.values = values
    }

    /// The value of the column labelled `label`, if there is one.
    public subscript(label: String) -> Double? {
        eventType.columns.firstIndex { $0.label == label }.map { values[$0] }
    }

    /// The line of the event type's file: `date,v1,v2…`.
    public var line: String { eventType.line(date: date, values: values) }
}
