import ClifCore

/// Inserts that make no load (probes, the Synchro lock server) have none to scale.
protocol LoadlessInsert: Insert {}

extension LoadlessInsert {
    public func scaleLoad(_ factor: Double) async throws {
        throw ScenarioError("\(Self.self) makes no load: only an injector's load can be scaled")
    }
}
