import ClifReports
import Foundation
import Testing

/// `clif run PLAN.ctp --deployment` over node daemons that are real processes (`clif node`).
@Suite("Distributed CLIF test", .serialized)
struct DistributedTestTests {
    /// The environment of the nodes and the launcher: a secret of their own, as
    /// `FRACTAL_SECRET` hands it to them.
    static let environment: [String: String] = {
        var environment = ProcessInfo.processInfo.environment
        environment["FRACTAL_SECRET"] = "community " + Data((0..<32).map { _ in UInt8.random(in: .min ... .max) }).base64EncodedString()
        return environment
    }()

    /// A `clif node` process on 127.0.0.1.
    final class NodeDaemon: @unchecked Sendable {
        let process = Process()
        let address: String

        init(name: String) throws {
            process.executableURL = URL(fileURLWithPath: ClifCommandTests.clif)
            process.arguments = ["node", "--listen", "tcp://127.0.0.1:0", "--name", name]
            process.environment = DistributedTestTests.environment
            let output = Pipe()
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            // The first line says where it listens.
            var line = Data()
            while !line.contains(0x0A) {
                let byte = output.fileHandleForReading.readData(ofLength: 1)
                if byte.isEmpty { throw TestFailure("node \(name) ended before it listened") }
                line.append(byte)
            }
            let text = String(decoding: line, as: UTF8.self)
            guard let range = text.range(of: " listening at ") else { throw TestFailure("unexpected first line of node \(name): \(text)") }
            address = String(text[range.upperBound...]).trimmingCharacters(in: .whitespacesAndNewlines)
        }

        func kill9() async throws {
            kill(process.processIdentifier, SIGKILL)
            try await offThePool { self.process.waitUntilExit() }
        }

        func stop() {
            guard process.isRunning else { return }
            process.terminate()
            process.waitUntilExit()
        }
    }

    struct World {
        let folder: String
        let nginx: Nginx
        let nodes: [NodeDaemon]

        init() async throws {
            try #require(FileManager.default.isExecutableFile(atPath: ClifCommandTests.clif), "no \(ClifCommandTests.clif): build it with swift build")
            folder = NSTemporaryDirectory() + "clif-distributed-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            nginx = try Nginx()
            _ = try loopingGetScenario(base: nginx.baseURL, in: folder, users: 2)
            nodes = [try await offThePool { try NodeDaemon(name: "n1") }, try await offThePool { try NodeDaemon(name: "n2") }]
            // Keys in hash order and CRLF, as CLIF writes them; each injector on its own server.
            try ["#CLIF test plan", "#Tue Dec 01 12:00:00 UTC 2026", "blade.1.server=second", "blade.0.id=inj1", "blade.1.id=inj2",
                 "blade.0.injector=IsacRunner", "blade.1.injector=IsacRunner", "blade.0.argument=get.xis", "blade.1.argument=get.xis",
                 "blade.0.server=first", "blade.0.comment=", "blade.1.comment="]
                .joined(separator: "\r\n").appending("\r\n").write(toFile: folder + "/plan.ctp", atomically: true, encoding: .utf8)
            try """
            <deployment>
              <virtual-node name="first"><node name="n1" address="\(nodes[0].address)"/></virtual-node>
              <virtual-node name="second"><node name="n2" address="\(nodes[1].address)"/></virtual-node>
            </deployment>
            """.write(toFile: folder + "/deployment.xml", atomically: true, encoding: .utf8)
        }

        func clif(duration: String? = nil, plan: String = "plan.ctp") throws -> Process {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: ClifCommandTests.clif)
            process.arguments = ["run", folder + "/" + plan, "--deployment", folder + "/deployment.xml", "--report", folder + "/report", "--quiet"]
                + (duration.map { ["--duration", $0] } ?? [])
            process.environment = DistributedTestTests.environment
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            return process
        }

        func lines(_ blade: String, _ file: String) throws -> [String] {
            // The run folder; beside it, its .ctp, .html and .json.
            // Nothing yet while the test has not opened its run (polled by `eventually`).
            guard let run = try? FileManager.default.contentsOfDirectory(atPath: folder + "/report").first(where: { !$0.contains(".") }) else { return [] }
            let path = "\(folder)/report/\(run)/\(blade)/\(file)"
            guard FileManager.default.fileExists(atPath: path) else { return [] }
            return try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") }
        }

        func finish() {
            for node in nodes { node.stop() }
            nginx.stop()
            try? FileManager.default.removeItem(atPath: folder)
        }
    }

    @Test func theEventsOfBothNodesInTheReportAreTheRequestsNginxLogged() async throws {
        let world = try await World()
        let clif = try world.clif(duration: "3s")
        try await offThePool { clif.waitUntilExit() }
        world.nginx.stop()
        #expect(clif.terminationStatus == 0)
        // The HTML report and the JSON summary beside the run folder.
        let files = try FileManager.default.contentsOfDirectory(atPath: world.folder + "/report")
        #expect(files.contains { $0.hasSuffix(".html") } && files.contains { $0.hasSuffix(".json") })
        // A saturation probe on each injector's server, which the plan did not ask for.
        #expect(try !world.lines("cpu-first", "cpu").isEmpty)
        let inj1 = try world.lines("inj1", "action"), inj2 = try world.lines("inj2", "action")
        #expect(!inj1.isEmpty && !inj2.isEmpty)
        #expect(inj1.count + inj2.count == (try world.nginx.loggedRequests().count))
        // The HdrHistogram interval log holds every one of those calls, once.
        let log = try #require(files.first { $0.hasSuffix(".hlog") })
        let entries = try HistogramLog.entries(in: String(contentsOfFile: world.folder + "/report/" + log, encoding: .utf8))
        #expect(entries.filter { $0.tag == nil }.reduce(0) { $0 + $1.histogram.totalCount } == UInt64(inj1.count + inj2.count))
        for blade in ["inj1", "inj2"] {
            #expect(try world.lines(blade, "lifecycle").map { $0.split(separator: ",")[2] } == ["initializing", "initialized", "starting", "running", "completed"])
            #expect(try world.lines(blade, "server.prop").contains { $0.hasPrefix("process.id=") })
        }
        world.finish()
    }

    @Test func aNodeKilledMidTestLeavesAnAbortedBladeAndACompletedTest() async throws {
        let world = try await World()
        let clif = try world.clif(duration: "6s")
        // Killed once its storage proxy has sent a batch.
        try await eventually("events of inj2 stored", limit: 30) { ((try? world.lines("inj2", "action").count) ?? 0) > 0 }
        try await world.nodes[1].kill9()
        let storedBeforeTheKill = try world.lines("inj2", "action").count
        try await offThePool { clif.waitUntilExit() }
        world.nginx.stop()
        #expect(clif.terminationStatus == 0)
        #expect(try world.lines("inj1", "lifecycle").last?.hasSuffix(",10,completed") == true)
        let lifecycle = try world.lines("inj2", "lifecycle")
        #expect(lifecycle.last?.hasSuffix(",13,aborted") == true)
        // The report says when and why.
        let alarm = try #require(try world.lines("inj2", "alarm").first { $0.contains(",3,aborted") })
        #expect(alarm.contains(",3,aborted: lost"))
        #expect(alarm.contains("n2"))
        // What the lost blade's proxy had sent is there; only its last batch may be missing.
        let inj1 = try world.lines("inj1", "action").count, inj2 = try world.lines("inj2", "action").count
        #expect(inj2 >= storedBeforeTheKill)
        #expect(inj1 + inj2 <= (try world.nginx.loggedRequests().count))
        world.finish()
    }

    /// CLIF's Synchro plug-in as a plan using it: waiters on one node, notifiers and the lock
    /// server on the other.
    static func synchroPlan(_ world: World, notifiers: Bool) throws -> String {
        try SynchroTests.scenario("waiter", base: world.nginx.baseURL, users: 3, steps: """
            \(SynchroTests.waitN("go", timeout: 120_000))
            \(SynchroTests.get("/echo"))
            """, in: world.folder)
        try SynchroTests.scenario("notifier", base: world.nginx.baseURL, users: 2, steps: String(repeating: SynchroTests.get("/"), count: 5) + """
            <control use="sync" name="notify"><params><param name="lock" value="go"/></params></control>
            """, in: world.folder)
        let plan = "synchro.ctp"
        try """
            blade.0.id=waiters\nblade.0.server=first\nblade.0.injector=IsacRunner\nblade.0.argument=waiter.xis
            blade.2.id=sync_default\nblade.2.server=second\nblade.2.injector=Synchro\nblade.2.argument=
            """.appending(notifiers ? "\nblade.1.id=notifiers\nblade.1.server=second\nblade.1.injector=IsacRunner\nblade.1.argument=notifier.xis\n" : "\n")
            .write(toFile: world.folder + "/" + plan, atomically: true, encoding: .utf8)
        return plan
    }

    @Test func sessionsOnOneNodeWaitForALockNotifiedFromAnother() async throws {
        let world = try await World()
        let clif = try world.clif(plan: try Self.synchroPlan(world, notifiers: true))
        try await offThePool { clif.waitUntilExit() }
        world.nginx.stop()
        #expect(clif.terminationStatus == 0)
        for blade in ["waiters", "notifiers"] {
            #expect(try world.lines(blade, "lifecycle").last?.hasSuffix(",10,completed") == true, "\(blade)")
        }
        // The lock server runs until the last injector has ended, then is stopped.
        #expect(try world.lines("sync_default", "lifecycle").last?.hasSuffix(",12,stopped") == true)
        #expect(try world.lines("waiters", "alarm").isEmpty)
        // No waiter went before a notifier had made its five requests and notified.
        let log = try world.nginx.loggedRequests()
        let firstWaiter = try #require(log.firstIndex { $0.hasSuffix(" /echo") })
        #expect(log[..<firstWaiter].filter { $0.hasSuffix(" /") }.count >= 5)
        world.finish()
    }

    @Test func killingTheLockServersNodeEndsTheWaitsOnItWithAnAlarmNotAHang() async throws {
        let world = try await World()
        let clif = try world.clif(plan: try Self.synchroPlan(world, notifiers: false))
        // Nobody notifies "go": the waiters wait (for up to 120 s) until the lock server's node dies.
        try await eventually("both blades running", limit: 30) {
            ["waiters", "sync_default"].allSatisfy { ((try? world.lines($0, "lifecycle")) ?? []).last?.hasSuffix(",6,running") == true }
        }
        try await world.nodes[1].kill9()
        try await offThePool { clif.waitUntilExit() }
        world.nginx.stop()
        #expect(clif.terminationStatus == 0)
        #expect(try world.lines("sync_default", "lifecycle").last?.hasSuffix(",13,aborted") == true)
        #expect(try world.lines("waiters", "lifecycle").last?.hasSuffix(",10,completed") == true)
        // Each wait ended because the lock server was gone, not at its timeout, and the
        // sessions went on to their next request.
        let alarms = try world.lines("waiters", "alarm")
        #expect(!alarms.isEmpty)
        #expect(alarms.allSatisfy { $0.contains("the Synchro blade cannot be reached") })
        #expect(try world.nginx.loggedRequests().filter { $0.hasSuffix(" /echo") }.count >= 3)
        world.finish()
    }
}
