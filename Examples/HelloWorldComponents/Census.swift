import Fractal

/// One probe's answer: which probe, the work it was given, and when it did it (seconds since
/// 1970 on its node's clock), so that a caller can see calls overlap.
public struct Measurement: Codable, Sendable, Hashable {
    public var probe: String
    public var work: Int
    public var started: Double
    public var ended: Double

    public init(probe: String, work: Int, started: Double, ended: Double) {
        self.probe = probe
        self.work = work
        self.started = started
        self.ended = ended
    }
}

/// A probe of the census example: measures, and reports to the tally.
@Interface("census.Probe")
public protocol Probe: Sendable {
    /// Works for `work` milliseconds and says when.
    func measure(_ work: Int) async throws -> Measurement
    /// The probe's name, for dispatches that pick one probe.
    func name() async throws -> String
    /// Adds `value` to the tally through the probe's gathercast client; returns the tally's reply.
    func report(_ value: Int) async throws -> Int
}

/// The census example's tally: a gathercast server interface that adds what every probe reports.
@Interface("census.Tally")
public protocol Tally: Sendable {
    /// Returns to each caller the sum of what the *other* callers of the round added.
    func add(_ value: Int) async throws -> Int
}

/// The census example's front: each method uses the surveyor's multicast interface one way.
@Interface("census.Survey")
public protocol Survey: Sendable {
    /// Every probe, in parallel; results in bind order.
    func broadcast(_ work: Int) async throws -> [Measurement]
    /// `calls` calls, each to the next probe; the probes' names in call order.
    func roundRobin(_ calls: Int) async throws -> [String]
    /// One call per key, to the probe the key hashes to; the probes' names in key order.
    func byKey(_ keys: [String]) async throws -> [String]
    /// Work `i` to probe `i`.
    func scatter(_ works: [Int]) async throws -> [Measurement]
    /// Value `i` to probe `i`, which reports it to the tally; the tally's replies in bind order.
    func report(_ values: [Int]) async throws -> [Int]
}
