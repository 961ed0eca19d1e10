import ClifCore

/// A line of a blade's `lifecycle` file: `date, state id, state label`.
public struct LifecycleEvent: Sendable, Hashable, Codable {
    /// Milliseconds since the test started.
    public var date: Int64
    public var stateID: Int
    /// The label as written; anything after the state's own label is kept (a reason, if a
    /// writer gave one).
    public var label: String

    public init(date: Int64, stateID: Int, label: String) {
        self.date = date
        self.stateID = stateID
        self.label = label
    }

    /// The state, when the id is one CLIF (and `BladeState`) knows.
    public var state: BladeState? { BladeState(rawValue: stateID) }

    /// Whether the blade ended here: completed, stopped or aborted.
    public var isEnd: Bool { state == .completed || state == .stopped || state == .aborted }

    /// Text written after the state's label (`aborted: too many errors` → `too many errors`), if any.
    public var reason: String? {
        guard let state else { return nil }
        let name = state.description
        guard label.hasPrefix(name) else { return label.isEmpty ? nil : label }
        let rest = label.dropFirst(name.count).drop { $0 == ":" || $0 == " " || $0 == "," || $0 == "-" }
        return rest.isEmpty ? nil : String(rest)
    }
}
