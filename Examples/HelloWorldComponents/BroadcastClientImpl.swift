import Fractal

/// Runs the application: sends one message to every service its multicast interface is bound to.
final class BroadcastClientImpl: Runnable {
    let services = Multicast<any Service>("s")

    func run() async throws {
        _ = try await services.invoke { try await $0.print("hello world") }
    }
}
