import Fractal

/// Prints messages.
@Interface("helloworld.Service")
public protocol Service: Sendable {
    func print(_ message: String) async throws
}
