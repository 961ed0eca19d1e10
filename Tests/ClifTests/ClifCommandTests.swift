import ClifTesting
import Foundation
import Testing

/// The `clif` executable as a user runs it, against a stub server on 127.0.0.1.
@Suite("clif command")
struct ClifCommandTests {
    static let clif = packageRoot + "/.build/debug/clif"

    @Test func ctrlCStopsTheLoadAndStillReportsWhatWasMeasured() async throws {
        // `swift build --build-tests` (scripts/test) builds the executables too.
        try #require(FileManager.default.isExecutableFile(atPath: Self.clif), "no \(Self.clif): build it with swift build")
        let server = try await StubHTTPServer.start()
        defer { Task { await server.stop() } }
        let folder = NSTemporaryDirectory() + "clif-command-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.clif)
        process.arguments = ["run", try loopingGetScenario(base: server.baseURL, in: folder, users: 2), "--report", folder + "/report", "--quiet"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Interrupt once the server has seen load (the run would last a minute).
        try await eventually("requests served", limit: 30) { server.served > 50 }
        kill(process.processIdentifier, SIGINT)
        let printed = try await offThePool { String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self) }
        try await offThePool { process.waitUntilExit() }
        #expect(process.terminationStatus == 130)
        #expect(printed.contains("GLOBAL LOAD"))
        let run = try #require(try FileManager.default.contentsOfDirectory(atPath: folder + "/report").first { !$0.hasSuffix(".ctp") })
        let lifecycle = try String(contentsOfFile: "\(folder)/report/\(run)/injector/lifecycle", encoding: .utf8)
        #expect(lifecycle.hasSuffix(",12,stopped\n"))
        let events = try String(contentsOfFile: "\(folder)/report/\(run)/injector/action", encoding: .utf8).split(separator: "\n").dropFirst()
        // Every request the server answered was counted and written (none is cut by the stop).
        #expect(events.count == server.served)
    }
}
