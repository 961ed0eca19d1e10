import Fractal

/// Named locks shared by the virtual users of every injector of a test (CLIF's Synchro blade):
/// each lock counts the notifications it has had.
@Interface("clif.SynchroLocks")
public protocol SynchroLocks: Sendable {
    /// Adds a notification to `lock`; returns its count after it.
    func notify(_ lock: String) async throws -> Int
    /// Returns `lock`'s count once it is at least `count`, or after `milliseconds`, whichever
    /// comes first (the caller compares).
    func wait(_ lock: String, count: Int, milliseconds: Int) async throws -> Int
    func count(_ lock: String) async throws -> Int
}
