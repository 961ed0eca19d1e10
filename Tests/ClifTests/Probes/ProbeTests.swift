import ClifCore
import Foundation
import Testing

/// CLIF's system probes: their argument, their samplers over fixture `/proc` files (each file
/// copied in shape from a Linux machine, numbers chosen so that a hand computation gives the
/// expected figures), and one look at this machine's real `/proc`.
@Suite("Probes")
struct ProbeTests {}

/// A proc root in a temporary directory, removed when the test is done: fixture files are
/// written into it as the test needs them (`write("net/dev", …)`), so a later write is the
/// counters' next reading.
final class ProcFixture {
    let root: String

    init() throws {
        root = NSTemporaryDirectory() + "proc-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    func write(_ file: String, _ text: String) throws {
        let path = root + "/" + file
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    func path(_ file: String) -> String { root + "/" + file }
}

/// Nanoseconds since the test's start, from seconds: the time a probe component gives `sample(at:)`.
func seconds(_ value: Double) -> Int64 { Int64(value * 1e9) }
