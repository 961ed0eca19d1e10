import Foundation
import Testing

/// `clif report` as a CI job runs it: the built executable, its output and its exit codes.
@Suite("clif report")
struct ReportCommandTests {
    static let clif = Fixtures.package + "/.build/debug/clif"

    struct Outcome {
        var status: Int32
        var output: String
        var errors: String
    }

    /// Runs `clif report arguments…` on a thread of its own (waiting for a process must not hold
    /// a thread of the pool every test's tasks share).
    static func clif(_ arguments: [String]) async throws -> Outcome {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try clifWaiting(arguments) }) }.start()
        }
    }

    private static func clifWaiting(_ arguments: [String]) throws -> Outcome {
        // `swift build --build-tests` (scripts/test) builds the executables too.
        try #require(FileManager.default.isExecutableFile(atPath: clif), "no \(clif): build it with swift build")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: clif)
        process.arguments = ["report"] + arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let printed = output.fileHandleForReading.readDataToEndOfFile()
        let complained = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, output: String(decoding: printed, as: UTF8.self), errors: String(decoding: complained, as: UTF8.self))
    }

    @Test func itPrintsTheLatestRunsQuickStatisticsAndWarnsOfMalformedLines() async throws {
        let outcome = try await Self.clif([Fixtures.report])
        #expect(outcome.status == 0)
        #expect(outcome.output.contains("run: \(Fixtures.latestRun)"))
        #expect(outcome.output.contains("blade inj2 aborted at 3900 ms: too many errors: injector aborted"))
        #expect(outcome.output.contains("GLOBAL LOAD      8   50  500  210.000  150.000  172.461       2.000       2"))
        #expect(outcome.errors.contains("/inj2/action:4: warning: "))
    }

    @Test func optionsReachTheStatistics() async throws {
        let outcome = try await Self.clif([Fixtures.report, "dummy_2012-03-27_16h39m25", "--by-comment", "--alias", "get home-page.*=home", "--from", "1500", "--to", "2600", "--tab-separated"])
        #expect(outcome.status == 0)
        // home: 200 (1500), 300 (2600) and the failure (2000); 2 calls over 1.1 s.
        #expect(outcome.output.contains("home\t2\t200\t300\t250.000\t250.000\t70.711\t1.818\t1\t"))
    }

    @Test func aFailedThresholdExits99AndTheOutputsAreWritten() async throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let outcome = try await Self.clif([Fixtures.report, "--threshold", "p99 < 600ms", "--threshold", "p99{get home} < 200ms",
                                     "--junit", folder + "/clif.xml", "--html", folder + "/report.html", "--json", folder + "/summary.json"])
        #expect(outcome.status == 99)
        #expect(outcome.output.contains("PASS p99 < 600ms: "))
        #expect(outcome.output.contains("FAIL p99{get home} < 200ms: p99 of get home is 500.000 ms, not < 200 ms"))
        let junit = try String(contentsOfFile: folder + "/clif.xml", encoding: .utf8)
        #expect(LibXML2Check.xml(junit).problems.isEmpty)
        #expect(junit.contains("failures=\"1\""))
        #expect(try String(contentsOfFile: folder + "/report.html", encoding: .utf8).hasPrefix("<!DOCTYPE html>"))
        #expect(FileManager.default.fileExists(atPath: folder + "/summary.json"))
        #expect(try await Self.clif([Fixtures.report, "--threshold", "p99 < 600ms"]).status == 0)
    }

    @Test(arguments: [
        ["--threshold", "p99x < 200ms"],
        ["--threshold", "p99 => 200"],
        ["--alias", "nothing"],
        ["--factor", "0"],
        ["--keep", "100"],
        ["--from", "2000", "--to", "1000"],
    ])
    func badArgumentsExit64BeforeReading(arguments: [String]) async throws {
        // A missing directory: the arguments are refused before it is looked for.
        let outcome = try await Self.clif(["/nonexistent/report"] + arguments)
        #expect(outcome.status == 64, "\(outcome.errors)")
    }

    @Test func aMissingDirectoryOrRunExits66() async throws {
        let missing = try await Self.clif(["/nonexistent/report"])
        #expect(missing.status == 66)
        #expect(missing.errors.contains("no such report directory: /nonexistent/report"))
        let run = try await Self.clif([Fixtures.report, "nope"])
        #expect(run.status == 66)
        #expect(run.errors.contains("no run 'nope'"))
    }

    @Test func anOutputThatCannotBeWrittenExits73() async throws {
        let outcome = try await Self.clif([Fixtures.report, "--junit", "/nonexistent/folder/clif.xml"])
        #expect(outcome.status == 73)
        #expect(outcome.errors.contains("cannot write the JUnit XML to /nonexistent/folder/clif.xml"))
    }

    @Test func helpShowsAnExample() async throws {
        let outcome = try await Self.clif(["--help"])
        // The help is wrapped to the terminal's width.
        let words = outcome.output.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(words.contains("clif report report --threshold \"p99 < 200ms\""))
        #expect(words.contains("99 a threshold failed"))
    }
}
