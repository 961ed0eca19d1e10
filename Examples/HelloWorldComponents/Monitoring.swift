import Fractal

/// What a call counter in a membrane saw of the calls of the interface it intercepts.
public struct CallCount: Codable, Sendable, Hashable {
    public var calls: Int
    public var failures: Int
    /// The longest call, in microseconds.
    public var slowestMicroseconds: Int

    public init(calls: Int, failures: Int, slowestMicroseconds: Int) {
        self.calls = calls
        self.failures = failures
        self.slowestMicroseconds = slowestMicroseconds
    }
}

/// The non-functional interface of the monitoring example: a component's
/// `monitor-controller`, served by a component of its membrane.
@Interface("monitoring.Monitor")
public protocol Monitor: Sendable {
    /// The calls counted so far.
    func count() async throws -> CallCount
}
