import ClifCore

/// How statistics are computed from a run's action events: the Jenkins CLIF plug-in's
/// options, with CLIF's quick statistics as the default.
public struct StatisticsOptions: Sendable, Hashable, Codable {
    /// What a row is keyed by.
    public enum RowKey: String, Sendable, Hashable, Codable, CaseIterable {
        /// The action type, as `clifcmd quickstats` (`get home`).
        case actionType = "action type"
        /// The action type, a dash and the comment, as the Jenkins plug-in (`get home-page one`);
        /// an event without a comment is keyed by its type alone.
        case actionTypeAndComment = "action type-comment"
    }

    public var key: RowKey
    /// Applied to keys in order; the first whose pattern matches the whole key renames it.
    public var aliases: [ActionAlias]
    /// Drop outliers from each row's successful durations (nil: keep them all).
    public var outliers: OutlierCleanup?
    /// Only events whose date (ms since the test started, the completion time) is at least
    /// `from` and at most `to`; the throughput's time window is cut to the same bounds.
    public var from: Int64?
    public var to: Int64?

    public init(key: RowKey = .actionType, aliases: [ActionAlias] = [], outliers: OutlierCleanup? = nil, from: Int64? = nil, to: Int64? = nil) {
        self.key = key
        self.aliases = aliases
        self.outliers = outliers
        self.from = from
        self.to = to
    }

    /// The key of `event` before aliases.
    public func baseKey(_ event: ActionEvent) -> String {
        switch key {
        case .actionType: event.type
        case .actionTypeAndComment: event.comment.isEmpty ? event.type : event.type + "-" + event.comment
        }
    }

    /// Whether `date` is inside the window.
    public func includes(_ date: Int64) -> Bool {
        (from.map { date >= $0 } ?? true) && (to.map { date <= $0 } ?? true)
    }
}
