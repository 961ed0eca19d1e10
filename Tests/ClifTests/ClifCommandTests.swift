import ClifReports
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
        let files = try FileManager.default.contentsOfDirectory(atPath: folder + "/report")
        let run = try #require(files.first { !$0.contains(".") })
        let lifecycle = try String(contentsOfFile: "\(folder)/report/\(run)/injector/lifecycle", encoding: .utf8)
        #expect(lifecycle.hasSuffix(",12,stopped\n"))
        let events = try String(contentsOfFile: "\(folder)/report/\(run)/injector/action", encoding: .utf8).split(separator: "\n").dropFirst()
        // Every request the server answered was counted and written (none is cut by the stop).
        #expect(events.count == server.served)
        // And the HdrHistogram interval log beside the run holds each of them.
        #expect(files.contains(run + ".hgrm"))
        let log = try HistogramLog.entries(in: String(contentsOfFile: "\(folder)/report/\(run).hlog", encoding: .utf8))
        #expect(log.filter { $0.tag == nil }.reduce(0) { $0 + $1.histogram.totalCount } == UInt64(events.count))
    }
}

@Suite("clif run with test plans and architectures")
struct ClifPlanCommandTests {
    func clif(_ arguments: [String], in folder: String) async throws -> (status: Int32, errors: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ClifCommandTests.clif)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let text = try await offThePool { String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self) }
        try await offThePool { process.waitUntilExit() }
        return (process.terminationStatus, text)
    }

    @Test func aBadPlanOrArchitectureExits65WithLocatedErrorsAndAFailedThresholdExits99() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: ClifCommandTests.clif), "no \(ClifCommandTests.clif): build it with swift build")
        let folder = NSTemporaryDirectory() + "clif-plans-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let server = try await StubHTTPServer.start()
        defer { Task { await server.stop() } }
        _ = try loopingGetScenario(base: server.baseURL, in: folder, users: 1)
        try "blade.0.id=a\nblade.0.server=far\nblade.0.injector=IsacRunner\nblade.0.argument=get.xis\n".write(toFile: folder + "/far.ctp", atomically: true, encoding: .utf8)
        let far = try await clif(["run", "far.ctp"], in: folder)
        #expect(far.status == 65)
        #expect(far.errors.contains("far.ctp:2:1: error: blade 'a' runs on server 'far'"))

        try #"<definition name="x.NoControl"><component name="s" definition="clif.Supervisor"/></definition>"#
            .write(toFile: folder + "/nocontrol.fractal", atomically: true, encoding: .utf8)
        let noControl = try await clif(["run", "nocontrol.fractal"], in: folder)
        #expect(noControl.status == 65)
        #expect(noControl.errors.contains("nocontrol.fractal:1:1: error:") && noControl.errors.contains("clif.TestControl"))

        let badThreshold = try await clif(["run", "far.ctp", "--threshold", "p99 <"], in: folder)
        #expect(badThreshold.status == 64)

        try "blade.0.id=a\nblade.0.server=local host\nblade.0.injector=IsacRunner\nblade.0.argument=get.xis\n".write(toFile: folder + "/local.ctp", atomically: true, encoding: .utf8)
        let failed = try await clif(["run", "local.ctp", "--duration", "1s", "--quiet", "--threshold", "rps > 100000000", "--junit", "clif.xml"], in: folder)
        #expect(failed.status == 99)
        #expect(try String(contentsOfFile: folder + "/clif.xml", encoding: .utf8).contains("<failure"))
    }
}
