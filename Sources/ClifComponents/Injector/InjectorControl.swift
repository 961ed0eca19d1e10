import ClifCore
import Fractal

/// The server interface of an injector: runs its scenario under its load profile, once, and
/// returns what it measured.
@Interface("clif.InjectorControl")
public protocol InjectorControl: Sendable {
    func run() async throws -> RunStatistics
}
