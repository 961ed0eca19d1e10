import ClifCore
import Fractal

/// A data collector's figures for the supervisor's live view.
@Interface("clif.CollectorControl")
public protocol CollectorControl: Sendable {
    /// What passed through since the previous call: per action type counts and histograms,
    /// the session count, the latest probe values.
    func take() async throws -> BladeSnapshot
}
