/// How a component's membrane is made: Fractal's controller description.
public struct ControllerDescription: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable, Codable {
        /// Content is one Swift object implementing the server interfaces.
        case primitive
        /// Content is a set of sub-components.
        case composite
    }

    public var kind: Kind
    /// How long a call to a stopped component waits for it to start before it fails with
    /// ``FractalError/Kind/callDeadlineExceeded``.
    public var callDeadline: Duration
    /// How long a gathercast interface waits for every bound client to call.
    public var gathercastTimeout: Duration

    public init(_ kind: Kind, callDeadline: Duration = .seconds(10), gathercastTimeout: Duration = .seconds(5)) {
        self.kind = kind
        self.callDeadline = callDeadline
        self.gathercastTimeout = gathercastTimeout
    }

    public static let primitive = ControllerDescription(.primitive)
    public static let composite = ControllerDescription(.composite)

    /// The description Fractal ADL names (`primitive`, `composite`, and their `parametric` forms).
    public init?(fractalName: String) {
        switch fractalName {
        case "primitive", "parametricPrimitive": self.init(.primitive)
        case "composite", "parametricComposite": self.init(.composite)
        default: return nil
        }
    }

    public var description: String { kind.rawValue }
}

/// What a primitive component's content is.
public enum ContentDescription: Sendable {
    /// A content class registered by name in a ``Registry``.
    case className(String)
    /// An object made by the caller.
    case instance(any Sendable)
}
