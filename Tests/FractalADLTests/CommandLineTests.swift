import Foundation
import FractalADL
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Runs the real `fractal` executable (built by `swift build`, at <package>/.build/debug/fractal)
/// as a child process, with the package folder as working directory (its default search path
/// is ./ADL).
enum FractalExecutable {
    static let packageFolder: String = {
        let file = #filePath
        return file.components(separatedBy: "/Tests/").first ?? FileManager.default.currentDirectoryPath
    }()

    static var path: String { packageFolder + "/.build/debug/fractal" }

    /// What a finished child did.
    struct Outcome: CustomStringConvertible {
        var status: Int32
        var reason: Process.TerminationReason
        var stdout: String
        var stderr: String

        var exitedNormally: Bool { reason == .exit }

        var description: String {
            "status \(status) (\(reason == .exit ? "exit" : "signal")); stdout:\n\(stdout)\nstderr:\n\(stderr)"
        }
    }

    /// Collects one output stream of the child, on a thread of its own, until end of file.
    final class Stream: @unchecked Sendable {
        private let lock = NSLock()
        private var data = Data()
        private var ended = false

        /// - Parameter onText: called on the reading thread with everything read so far, after each chunk.
        init(_ handle: FileHandle, onText: (@Sendable (String) -> Void)? = nil) {
            Thread.detachNewThread { [self] in
                while true {
                    let chunk = handle.availableData
                    if chunk.isEmpty { break }
                    let text = lock.withLock {
                        data.append(chunk)
                        return String(decoding: data, as: UTF8.self)
                    }
                    onText?(text)
                }
                lock.withLock { ended = true }
            }
        }

        var text: String { lock.withLock { String(decoding: data, as: UTF8.self) } }
        var isEnded: Bool { lock.withLock { ended } }
    }

    /// A started child process and its output so far.
    struct Child {
        let process: Process
        let stdout: Stream
        let stderr: Stream

        /// Waits (polling, bounded by `limit`) until `condition` holds; false when it never did.
        func wait(upTo limit: Duration, until condition: () -> Bool) async -> Bool {
            let deadline = ContinuousClock.now + limit
            while !condition() {
                if ContinuousClock.now >= deadline { return false }
                try? await Task.sleep(for: .milliseconds(20))
            }
            return true
        }

        /// Waits for the child to exit and its output to end; kills it (and records an issue)
        /// when it takes longer than `limit`, so that no test hangs.
        func finish(within limit: Duration, sourceLocation: Testing.SourceLocation = #_sourceLocation) async -> Outcome {
            let exited = await wait(upTo: limit) { !process.isRunning }
            if !exited {
                Issue.record("fractal \(process.arguments ?? []) still running after \(limit); killed it", sourceLocation: sourceLocation)
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
            }
            _ = await wait(upTo: .seconds(10)) { stdout.isEnded && stderr.isEnded }
            process.waitUntilExit()
            return Outcome(status: process.terminationStatus, reason: process.terminationReason, stdout: stdout.text, stderr: stderr.text)
        }
    }

    /// Starts `fractal arguments…`; the test fails with a clear message when it is not built.
    ///
    /// - Parameter onStderr: called, on a thread reading the child's standard error, with the
    ///   child's process id and all of its standard error so far, each time more arrives.
    static func start(
        _ arguments: [String], onStderr: (@Sendable (pid_t, String) -> Void)? = nil,
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) throws -> Child {
        try #require(
            FileManager.default.isExecutableFile(atPath: path),
            "no fractal executable at \(path): run `swift build` (or `swift build --build-tests`) in \(packageFolder) first",
            sourceLocation: sourceLocation)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: packageFolder)
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let pid = process.processIdentifier
        let stderr = Stream(err.fileHandleForReading, onText: onStderr.map { callback in { @Sendable text in callback(pid, text) } })
        return Child(process: process, stdout: Stream(out.fileHandleForReading), stderr: stderr)
    }

    /// Runs `fractal arguments…` to the end (killed, and the test failed, after `limit`).
    static func run(_ arguments: [String], within limit: Duration = .seconds(120), sourceLocation: Testing.SourceLocation = #_sourceLocation) async throws -> Outcome {
        let child = try start(arguments, sourceLocation: sourceLocation)
        return await child.finish(within: limit, sourceLocation: sourceLocation)
    }

    static func temporaryFolder(_ tag: String) throws -> URL {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("fractal-cli-\(tag)-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }
}

@Suite struct CommandLineTests {
    typealias CLI = FractalExecutable

    @Test func checkOfTheShippedHelloWorldSucceedsSilently() async throws {
        let outcome = try await CLI.run(["check", "HelloWorld"])
        #expect(outcome.exitedNormally && outcome.status == 0, "\(outcome)")
        #expect(outcome.stderr.isEmpty, "\(outcome)")
        #expect(outcome.stdout.isEmpty, "\(outcome)")
    }

    @Test func checkOfAnInvalidFileExitsOneWithLocatedErrors() async throws {
        let folder = try CLI.temporaryFolder("invalid")
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("Broken.fractal").path
        try """
            <?xml version="1.0" encoding="UTF-8"?>
            <definition name="Broken">
              <interface name="r" role="server" signature="java.lang.Runnable"/>
              <bogus name="x"/>
              <interface name="s" role="sideways" signature="helloworld.Service"/>
              <component name="client" definition="helloworld.Client"/>
              <binding client="this.r" server="nobody.r"/>
            </definition>

            """.write(toFile: file, atomically: true, encoding: .utf8)

        let outcome = try await CLI.run(["check", file])
        #expect(outcome.exitedNormally && outcome.status == 1, "\(outcome)")
        let lines = outcome.stderr.split(separator: "\n").map(String.init)
        let located = try Regex(#"^(.+):(\d+):(\d+): (error|warning|note): .+"#)
        let errors = lines.filter { $0.contains(": error: ") }
        #expect(errors.count >= 3, "\(outcome)")
        for line in errors {
            #expect(line.wholeMatch(of: located) != nil, "not file:line:column: error: … → \(line)")
        }
        // Each problem at its own place: the element, the attribute value's attribute, the server end.
        #expect(errors.contains { $0.hasPrefix("\(file):4:3: error: ") && $0.contains("bogus") }, "\(outcome)")
        #expect(errors.contains { $0.hasPrefix("\(file):5:") && $0.contains("sideways") }, "\(outcome)")
        #expect(errors.contains { $0.hasPrefix("\(file):7:") && $0.contains("nobody") }, "\(outcome)")
    }

    @Test func checkStructureOnlyAcceptsUnknownClassesAndSignatures() async throws {
        let folder = try CLI.temporaryFolder("foreign")
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("Foreign.fractal").path
        try """
            <?xml version="1.0" encoding="UTF-8"?>
            <definition name="Foreign">
              <interface name="s" role="server" signature="org.example.Service"/>
              <component name="impl">
                <interface name="s" role="server" signature="org.example.Service"/>
                <content class="org.example.ServiceImpl"/>
              </component>
              <binding client="this.s" server="impl.s"/>
            </definition>

            """.write(toFile: file, atomically: true, encoding: .utf8)

        let structural = try await CLI.run(["check", "--structure-only", file])
        #expect(structural.exitedNormally && structural.status == 0, "\(structural)")
        #expect(!structural.stderr.contains("error:"), "\(structural)")

        // The same file, types looked up: the unknown names are errors.
        let full = try await CLI.run(["check", file])
        #expect(full.exitedNormally && full.status == 1, "\(full)")
        #expect(full.stderr.contains("org.example.ServiceImpl"), "\(full)")
        #expect(full.stderr.contains("org.example.Service'"), "\(full)")
    }

    @Test func runHelloWorldPrintsTheMessage() async throws {
        let outcome = try await CLI.run(["run", "HelloWorld"])
        #expect(outcome.exitedNormally && outcome.status == 0, "\(outcome)")
        #expect(outcome.stdout == "->hello world\n", "\(outcome)")
    }

    @Test(arguments: [["run", "HelloWorld", "--loss-timeout", "0"], ["run", "HelloWorld", "--call-deadline=-1"],
                      ["node", "--name", "n", "--listen", "tcp://127.0.0.1:0", "--loss-timeout", "nan"],
                      ["node", "--name", "n", "--listen", "tcp://127.0.0.1:0", "--call-deadline", "0"]])
    func nonPositiveTimesAreUsageErrors(_ arguments: [String]) async throws {
        let outcome = try await CLI.run(arguments)
        #expect(outcome.exitedNormally && outcome.status == 64, "\(outcome)")
        #expect(outcome.stderr.contains("must be a number of seconds above 0"), "\(outcome)")
    }

    @Test func runTakesLaunchContextValues() async throws {
        // Passed as argv, no shell: '>' is just a character.
        let outcome = try await CLI.run(["run", "HelloWorld", "--arg", "header=>>", "--arg", "count=2"])
        #expect(outcome.exitedNormally && outcome.status == 0, "\(outcome)")
        #expect(outcome.stdout == ">>hello world\n>>hello world\n", "\(outcome)")
    }

    @Test func aBadLaunchContextValueIsReportedWhereTheAttributeIsSet() async throws {
        // count is an Int; the error points at the value of <attribute name="count"> in Server.fractal.
        let outcome = try await CLI.run(["check", "HelloWorld", "--arg", "count=many"])
        #expect(outcome.exitedNormally && outcome.status == 1, "\(outcome)")
        #expect(outcome.stderr.contains("ADL/helloworld/Server.fractal:6:29: error: "), "\(outcome)")
        #expect(outcome.stderr.contains("many"), "\(outcome)")
    }

    @Test func graphPrintsADigraph() async throws {
        let outcome = try await CLI.run(["graph", "HelloWorld"])
        #expect(outcome.exitedNormally && outcome.status == 0, "\(outcome)")
        #expect(outcome.stdout.hasPrefix("digraph \"HelloWorld\" {"), "\(outcome)")
        #expect(outcome.stdout.hasSuffix("}\n"), "\(outcome)")
        for name in ["\"/HelloWorld/client\"", "\"/HelloWorld/server\"", "this.r → client.r", "client.s → server.s"] {
            #expect(outcome.stdout.contains(name), "\(name) missing: \(outcome)")
        }
    }

    @Test func exportPrintsXMLThatCheckAndRunAccept() async throws {
        let exported = try await CLI.run(["export", "HelloWorld", "--arg", "header=<<"])
        #expect(exported.exitedNormally && exported.status == 0, "\(exported)")
        #expect(exported.stdout.hasPrefix("<?xml"), "\(exported)")
        #expect(exported.stdout.contains("<definition name=\"HelloWorld\">"), "\(exported)")
        // The attribute value is escaped in the XML.
        #expect(exported.stdout.contains("value=\"&lt;&lt;\""), "\(exported)")

        let folder = try CLI.temporaryFolder("export")
        defer { try? FileManager.default.removeItem(at: folder) }
        try exported.stdout.write(to: folder.appendingPathComponent("HelloWorld.fractal"), atomically: true, encoding: .utf8)

        let checked = try await CLI.run(["check", "HelloWorld", "--adl-path", folder.path])
        #expect(checked.exitedNormally && checked.status == 0, "\(checked)")
        #expect(checked.stderr.isEmpty, "\(checked)")
        // It is the exported file that was found first: it carries the header given at export.
        let ran = try await CLI.run(["run", "HelloWorld", "--adl-path", folder.path])
        #expect(ran.exitedNormally && ran.status == 0, "\(ran)")
        #expect(ran.stdout == "<<hello world\n", "\(ran)")
    }

    @Test func anArgumentHoldingCommasAndParenthesesReachesTheServerWhole() async throws {
        // HelloWorld passes it on: helloworld.Server(${header},${count}).
        let ran = try await CLI.run(["run", "HelloWorld", "--arg", "header=a, (b)=>c 'd' ", "--arg", "count=2"])
        #expect(ran.exitedNormally && ran.status == 0, "\(ran)")
        #expect(ran.stdout == "a, (b)=>c 'd' hello world\na, (b)=>c 'd' hello world\n", "\(ran)")
    }

    @Test func exportNamesTheDefinitionByItsDottedName() async throws {
        let exported = try await CLI.run(["export", "helloworld.Server"])
        #expect(exported.exitedNormally && exported.status == 0, "\(exported)")
        #expect(exported.stdout.contains("<definition name=\"helloworld.Server\">"), "\(exported)")
        // Put where its name says, it is found and checks clean under that name.
        let folder = try CLI.temporaryFolder("export-dotted")
        defer { try? FileManager.default.removeItem(at: folder) }
        let package = folder.appendingPathComponent("helloworld")
        try FileManager.default.createDirectory(at: package, withIntermediateDirectories: true)
        try exported.stdout.write(to: package.appendingPathComponent("Server.fractal"), atomically: true, encoding: .utf8)
        let checked = try await CLI.run(["check", "helloworld.Server", "--adl-path", folder.path])
        #expect(checked.exitedNormally && checked.status == 0, "\(checked)")
        #expect(checked.stderr.isEmpty, "\(checked)")
    }

    @Test func theMonitoringExampleRunsItsMembraneAndShowsItInGraphAndExport() async throws {
        let ran = try await CLI.run(["run", "monitoring.Monitored", "--arg", "messages=2"])
        #expect(ran.exitedNormally && ran.status == 0, "\(ran)")
        #expect(ran.stdout.hasPrefix("[monitored]hello 1\n[monitored]hello 2\nthe server's membrane counted 2 calls of s (0 failed, slowest "), "\(ran)")
        let graph = try await CLI.run(["graph", "monitoring.Monitored"])
        #expect(graph.stdout.contains("\"/Monitored/server/(membrane)/counter\""), "\(graph)")
        let exported = try await CLI.run(["export", "monitoring.Monitored"])
        #expect(exported.stdout.contains("<controller desc=\"primitive\">"), "\(exported)")
        #expect(exported.stdout.contains("<binding client=\"this.s\" server=\"counter.s\"/>"), "\(exported)")
    }

    @Test func aNodeThatCannotJoinSaysWhyOnceAndKeepsTrying() async throws {
        // Nothing listens on port 1 of the loopback: every attempt is refused. The node's lines
        // go to standard output.
        let child = try CLI.start(["node", "--name", "lonely", "--join", "tcp://127.0.0.1:1", "--insecure-tcp"])
        let said = await child.wait(upTo: .seconds(20)) { child.stdout.text.contains("node lonely cannot join tcp://127.0.0.1:1") }
        // Retries come after 0.2, 0.4, 0.8 s: leave time for those three to fail silently.
        try await Task.sleep(for: .seconds(2))
        kill(child.process.processIdentifier, SIGTERM)
        let outcome = await child.finish(within: .seconds(10))
        #expect(said, "\(outcome)")
        #expect(outcome.exitedNormally && outcome.status == 0, "\(outcome)")
        #expect(outcome.stdout.components(separatedBy: "cannot join").count == 2, "said once, not at every retry: \(outcome)")
        #expect(outcome.stdout.contains("node lonely stopping"), "\(outcome)")
    }

    @Test func dtdPrintsTheShippedDTD() async throws {
        let outcome = try await CLI.run(["dtd"])
        #expect(outcome.exitedNormally && outcome.status == 0, "\(outcome)")
        #expect(outcome.stdout == ADLDTD.text + "\n")
        #expect(outcome.stdout.contains("<!ELEMENT definition"))
    }

    @Test func adlPathAddsAFolderBeforeTheDefaultOne() async throws {
        let folder = try CLI.temporaryFolder("adlpath")
        defer { try? FileManager.default.removeItem(at: folder) }
        let package = folder.appendingPathComponent("demo")
        try FileManager.default.createDirectory(at: package, withIntermediateDirectories: true)
        // demo.Hello lives in the temporary folder; helloworld.* still come from ./ADL.
        try """
            <?xml version="1.0" encoding="UTF-8"?>
            <definition name="demo.Hello">
              <interface name="r" role="server" signature="java.lang.Runnable"/>
              <component name="client" definition="helloworld.Client"/>
              <component name="server" definition="helloworld.Server(@@, 3)"/>
              <binding client="this.r" server="client.r"/>
              <binding client="client.s" server="server.s"/>
            </definition>

            """.write(to: package.appendingPathComponent("Hello.fractal"), atomically: true, encoding: .utf8)

        let missing = try await CLI.run(["check", "demo.Hello"])
        #expect(missing.exitedNormally && missing.status == 1, "\(missing)")
        #expect(missing.stderr.contains("unknown definition 'demo.Hello'"), "\(missing)")

        let ran = try await CLI.run(["run", "demo.Hello", "--adl-path", folder.path])
        #expect(ran.exitedNormally && ran.status == 0, "\(ran)")
        #expect(ran.stdout == "@@hello world\n@@hello world\n@@hello world\n", "\(ran)")
    }

    @Test func runOfADefinitionWithoutRunnableWaitsForSIGTERMThenExitsZero() async throws {
        // helloworld.Server serves helloworld.Service only: nothing to run, so it stays up until
        // a signal. SIGTERM goes out the moment its "started" line is read, as a supervisor would
        // send it: once the command says it started, a SIGTERM must stop it cleanly.
        let signalled = CLIFlag()
        let child = try CLI.start(["run", "helloworld.Server"]) { pid, text in
            if text.contains("started"), signalled.setOnce() { kill(pid, SIGTERM) }
        }
        let sent = await child.wait(upTo: .seconds(10)) { signalled.isSet || !child.process.isRunning }
        guard sent, signalled.isSet else {
            kill(child.process.processIdentifier, SIGKILL)
            let outcome = await child.finish(within: .seconds(10))
            Issue.record("no 'started' line within 10 s, or the command ended before it: \(outcome)")
            return
        }
        let outcome = await child.finish(within: .seconds(10))
        #expect(outcome.stderr.contains("Server started"), "\(outcome)")
        #expect(outcome.exitedNormally, "killed by signal \(outcome.status) instead of exiting: \(outcome)")
        #expect(outcome.status == 0, "\(outcome)")
    }
}

/// A flag set once, from any thread.
final class CLIFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    var isSet: Bool { lock.withLock { value } }

    /// True the first time only.
    func setOnce() -> Bool {
        lock.withLock {
            if value { return false }
            value = true
            return true
        }
    }
}
