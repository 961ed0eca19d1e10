import Fractal

/// Runs the application: sends one message to the service it is bound to.
final class ClientImpl: Runnable {
    let service = Client<any Service>("s")

    func run() async throws {
        try await service().print("hello world")
    }
}
