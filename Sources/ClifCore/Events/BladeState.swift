/// A blade's state, with the ids CLIF writes in `lifecycle` files.
///
/// Ids 3, 4, 5, 6 and 10 are those of real CLIF files; the others follow CLIF's order of the
/// lifecycle (see docs/load-testing.md).
public enum BladeState: Int, Sendable, Codable, CaseIterable, CustomStringConvertible {
    case undeployed = 0
    case deploying = 1
    case deployed = 2
    case initializing = 3
    case initialized = 4
    case starting = 5
    case running = 6
    case suspending = 7
    case suspended = 8
    case resuming = 9
    case completed = 10
    case stopping = 11
    case stopped = 12
    case aborted = 13

    /// The label CLIF writes (`running`).
    public var description: String {
        switch self {
        case .undeployed: "undeployed"
        case .deploying: "deploying"
        case .deployed: "deployed"
        case .initializing: "initializing"
        case .initialized: "initialized"
        case .starting: "starting"
        case .running: "running"
        case .suspending: "suspending"
        case .suspended: "suspended"
        case .resuming: "resuming"
        case .completed: "completed"
        case .stopping: "stopping"
        case .stopped: "stopped"
        case .aborted: "aborted"
        }
    }

    /// A line of CLIF's `lifecycle` file: `date, state id, state label`.
    public func lifecycleLine(date: Int64) -> String { "\(date),\(rawValue),\(self)" }

    public static let lifecycleHeader = "# date, state id, state label"
}
