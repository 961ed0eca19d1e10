import Fractal

/// The interface a launcher calls to run an application.
@Interface("helloworld.Main")
public protocol Main: Sendable {
    func run() async throws
}

/// Prints messages.
@Interface("helloworld.Service")
public protocol Service: Sendable {
    func print(_ message: String) async throws
}
