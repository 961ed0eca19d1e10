import Fractal

/// Prints each message `count` times, after `header`.
final class ServerImpl: Service {
    let header = Attribute("header", "->")
    let count = Attribute("count", 1)

    func print(_ message: String) async throws {
        let header = header.value
        for _ in 0..<count.value {
            Swift.print(header + message)
        }
    }
}
