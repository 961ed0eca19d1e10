import ClifCore
import Fractal

/// What a blade runs: an injector or a probe, driven by the blade's adapter through CLIF's
/// lifecycle. The insert sends what it measures through its `events` client interface.
@Interface("clif.Insert")
public protocol Insert: Sendable {
    /// Reads its configuration and gets ready to start (compiles a scenario, opens /proc);
    /// returns the event types it will produce. Event dates count from ``start()``.
    func prepare() async throws -> [EventType]
    /// Starts the load or the sampling; returns at once.
    func start() async throws
    /// Holds still: no request or sample until ``resume()``.
    func suspend() async throws
    func resume() async throws
    /// Ends the load now.
    func stop() async throws
    /// From now on, runs `factor` times the load its profile says (an injector whose
    /// group lost another injector takes its share). Throws for an insert that has no load.
    func scaleLoad(_ factor: Double) async throws
    /// Returns when the insert has finished (its profile ran out, or it was stopped) and every
    /// event it made has been handed on; throws when it failed.
    func join() async throws
}
