/// Content behind a gathercast server interface: it receives the calls of all bound clients at once.
///
/// A gathercast interface waits until every client bound to it has called the same method (or
/// its timeout passes), then hands the calls to ``gather(_:)`` in bind order, and returns to
/// each caller the result at its position.
public protocol GathercastReceiver: Sendable {
    /// Returns one result per call, in the order of `calls.calls`; each must be of the method's
    /// result type (``Nothing`` for a `Void` method).
    func gather(_ calls: GatheredCalls) async throws -> [any Sendable]
}

/// The calls one gathercast round collected.
public struct GatheredCalls: Sendable {
    public let interface: String
    public let method: String
    public let calls: [GatheredCall]
}

/// One client's call in a gathercast round.
public struct GatheredCall: Sendable {
    /// The calling client interface, as `path#name`.
    public let client: String
    public let arguments: [any Codable & Sendable]

    /// Argument `index`, as `type`.
    public func argument<T>(_ index: Int, as type: T.Type = T.self) throws -> T {
        guard arguments.indices.contains(index), let value = arguments[index] as? T else {
            throw FractalError(.invalidType, interface: client,
                               "argument \(index) of a gathered call is not a \(T.self)")
        }
        return value
    }
}
