import Fractal
import Foundation

/// Prints each message `count` times, after `header`.
final class ServerImpl: Service {
    let header = Attribute("header", "->")
    let count = Attribute("count", 1)

    func print(_ message: String) async throws {
        let header = header.value
        // Written straight to the file descriptor, so that a node process's output is not held
        // in a buffer when it goes to a pipe.
        let line = Data((header + message + "\n").utf8)
        for _ in 0..<count.value {
            FileHandle.standardOutput.write(line)
        }
    }
}
