/// The state a lifecycle controller reports.
public enum LifeCycleState: String, Sendable, Hashable, Codable {
    case stopped = "STOPPED"
    case started = "STARTED"
}

/// Content that wants to know when its component starts and stops.
public protocol LifeCycleAware: Sendable {
    /// Called after the component (and its whole subtree) has started. Throwing stops it again.
    func started() async throws
    /// Called after the component has stopped and no call is in progress.
    func stopped() async
}

extension LifeCycleAware {
    public func started() async throws {}
    public func stopped() async {}
}
