import ClifCore
import Fractal

/// The storage as the supervisor drives it.
@Interface("clif.StorageAdmin")
public protocol StorageAdmin: Sendable {
    /// Opens the test's report: `plan` is the test plan's text, copied beside it.
    func openTest(_ test: TestInfo, plan: String) async throws -> String
    func openBlade(_ blade: BladeInfo) async throws
    /// Records that blade `blade` entered `state` at `date` (ms since the test started);
    /// `reason` says why when it is `aborted`.
    func lifecycle(_ blade: String, _ state: BladeState, date: Int64, reason: String?) async throws
    /// Records an alarm of blade `blade` (the supervisor's own findings, such as saturation).
    func alarm(_ blade: String, _ alarm: Alarm) async throws
    /// Closes every file; returns the run folder.
    func closeTest() async throws -> String
}
