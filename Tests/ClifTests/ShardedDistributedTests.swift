import ClifComponents
import ClifReports
import ClifStorage
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A test plan over three `clif node` processes with its results in storage shards, R = 2,
/// one on each node, and nodes killed with `kill -9` while it runs.
@Suite("Sharded distributed CLIF test", .serialized)
struct ShardedDistributedTests {
    struct World {
        let folder: String
        let nginx: Nginx
        let nodes: [DistributedTestTests.NodeDaemon]

        /// With `oneScenario`, both injectors run `both.xis` (one group, one load shared) and
        /// nginx's log says when each request came.
        init(oneScenario: Bool = false) async throws {
            try #require(FileManager.default.isExecutableFile(atPath: ClifCommandTests.clif), "no \(ClifCommandTests.clif): build it with swift build")
            folder = NSTemporaryDirectory() + "clif-sharded-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            nginx = try Nginx(timed: oneScenario)
            // 4 sessions, each a request then 50 ms of think time: about 75 requests a second
            // an injector, far from what the machine can do, so that the load is the profile's.
            try """
            <?xml version="1.0" encoding="UTF-8"?>
            <scenario><behaviors><plugins>
              <use id="http" name="HttpInjector"><params><param name="baseURL" value="\(nginx.baseURL)"/></params></use>
              <use id="common" name="Common"/><use id="think" name="ConstantTimer"/>
            </plugins>
            <behavior id="B0"><while><condition use="common" name="true"/>
              <sample use="http" name="get"><params><param name="uri" value="/both"/></params></sample>
              <timer use="think" name="sleep"><params><param name="duration" value="50"/></params></timer>
            </while></behavior></behaviors>
            <loadprofile><group behavior="B0" forceStop="true">
              <ramp style="line"><points><point x="0" y="4"/><point x="60" y="4"/></points></ramp>
            </group></loadprofile></scenario>
            """.write(toFile: folder + "/both.xis", atomically: true, encoding: .utf8)
            // Each injector asks for its own path, so that the access log tells them apart.
            for blade in ["inj1", "inj2"] {
                let path = try loopingGetScenario(base: nginx.baseURL, in: folder, users: 2)
                try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(of: "value=\"/\"", with: "value=\"/\(blade)\"")
                    .write(toFile: folder + "/\(blade).xis", atomically: true, encoding: .utf8)
            }
            nodes = try await [1, 2, 3].asyncMap { number in try await offThePool { try DistributedTestTests.NodeDaemon(name: "n\(number)") } }
            try ["#CLIF test plan", "blade.0.id=inj1", "blade.0.injector=IsacRunner", "blade.0.argument=\(oneScenario ? "both" : "inj1").xis", "blade.0.server=first",
                 "blade.1.id=inj2", "blade.1.injector=IsacRunner", "blade.1.argument=\(oneScenario ? "both" : "inj2").xis", "blade.1.server=second"]
                .joined(separator: "\n").appending("\n").write(toFile: folder + "/plan.ctp", atomically: true, encoding: .utf8)
            try """
            <deployment>
              <virtual-node name="first"><node name="n1" address="\(nodes[0].address)"/></virtual-node>
              <virtual-node name="second"><node name="n2" address="\(nodes[1].address)"/></virtual-node>
              <virtual-node name="third"><node name="n3" address="\(nodes[2].address)"/></virtual-node>
            </deployment>
            """.write(toFile: folder + "/deployment.xml", atomically: true, encoding: .utf8)
        }

        func clif(duration: String, extra: [String] = []) throws -> Process {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: ClifCommandTests.clif)
            process.arguments = ["run", folder + "/plan.ctp", "--deployment", folder + "/deployment.xml", "--report", folder + "/report", "--quiet",
                                 "--duration", duration, "--shards", "first,second,third", "--replicas", "2",
                                 // Keys of a second: over a few seconds, every shard is home to some of each blade's.
                                 "--shard-interval", "1s",
                                 "--shard-directory", folder + "/shards"] + extra
            process.environment = DistributedTestTests.environment
            process.standardOutput = FileHandle.nullDevice
            // What it says goes with a failure (`log`).
            _ = FileManager.default.createFile(atPath: folder + "/clif.log", contents: nil)
            process.standardError = FileHandle(forWritingAtPath: folder + "/clif.log")
            try process.run()
            return process
        }

        /// Bytes in shard `index`'s folder (its logs).
        func shardBytes(_ index: Int) -> Int {
            let shard = folder + "/shards/shard-\(index)"
            let files = (try? FileManager.default.contentsOfDirectory(atPath: shard)) ?? []
            return files.reduce(0) { $0 + ((try? FileManager.default.attributesOfItem(atPath: shard + "/" + $1)[.size] as? Int) ?? 0) }
        }

        func report() throws -> ReportRun {
            try ReportReader.read(directory: folder + "/report")
        }

        /// Requests nginx answered for `path`.
        func logged(_ path: String) throws -> Int {
            try nginx.loggedRequests().filter { $0.hasSuffix(" GET \(path)") }.count
        }

        /// Kills node `index` with `kill -9` as soon as `condition` holds, polled on a thread of
        /// its own every 20 ms: the kill's moment must not wait for the test pool, which the
        /// suites beside this one may keep busy for seconds.
        func kill(_ index: Int, when what: String, limit: Double = 30, _ condition: @escaping @Sendable () -> Bool) async throws -> Double {
            let node = nodes[index]
            return try await offThePool {
                let deadline = Date().addingTimeInterval(limit)
                while !condition() {
                    guard Date() < deadline else { throw TestFailure("timed out waiting for \(what)") }
                    usleep(20_000)
                }
                let killed = Date().timeIntervalSince1970
                Glibc.kill(node.process.processIdentifier, SIGKILL)
                node.process.waitUntilExit()
                return killed
            }
        }

        /// What `clif run` wrote to its standard error.
        var log: String { (try? String(contentsOfFile: folder + "/clif.log", encoding: .utf8)) ?? "" }

        /// When nginx answered each request, in seconds since 1970 (a timed log).
        func requestTimes() throws -> [Double] {
            try nginx.loggedRequests().compactMap { Double($0.split(separator: " ").first ?? "") }
        }

        func finish() {
            for node in nodes { node.stop() }
            nginx.stop()
            try? FileManager.default.removeItem(atPath: folder)
        }
    }

    @Test func inARunWithoutLossEveryRecordHasTwoCopiesWhereEveryClientPutsThem() async throws {
        let world = try await World()
        let clif = try world.clif(duration: "2s")
        try await offThePool { clif.waitUntilExit() }
        world.nginx.stop()
        #expect(clif.terminationStatus == 0)
        // Routers on three nodes and the storage beside the supervisor agree on every key's
        // shards: the close found nothing to repair, and each record is on exactly two shards.
        let run = try world.report()
        let summary = try String(contentsOfFile: run.folder.path + ".shards", encoding: .utf8)
        #expect(!summary.contains("repaired") && !summary.contains("set aside"), "\(summary)")
        var copies: [String: Int] = [:]
        for index in 0..<3 {
            let engine = try LogShardEngine(directory: world.folder + "/shards/shard-\(index)", durability: .process)
            for run in try engine.runs() { for entry in try engine.index(run: run) { copies[entry.id, default: 0] += 1 } }
        }
        #expect(!copies.isEmpty && copies.values.allSatisfy { $0 == 2 }, "\(copies.filter { $0.value != 2 })")
        let logged1 = try world.logged("/inj1")
        #expect(run.blade("inj1")?.actions.count == logged1)
        world.finish()
    }

    @Test func aShardNodeKilledMidTestLosesNoEvent() async throws {
        let world = try await World()
        let clif = try world.clif(duration: "5s")
        // n3 holds only a shard; killed once it holds some of the test's events.
        _ = try await world.kill(2, when: "events on the shard of n3") { world.shardBytes(2) > 20_000 }
        try await offThePool { clif.waitUntilExit() }
        world.nginx.stop()
        #expect(clif.terminationStatus == 0)
        let run = try world.report()
        let inj1 = try #require(run.blade("inj1")), inj2 = try #require(run.blade("inj2"))
        #expect(inj1.actions.count > 0 && inj2.actions.count > 0)
        // Every request each injector made is in the report, once.
        let logged1 = try world.logged("/inj1"), logged2 = try world.logged("/inj2")
        #expect(inj1.actions.count == logged1)
        #expect(inj2.actions.count == logged2)
        #expect(inj1.finalState?.state == .completed && inj2.finalState?.state == .completed)
        // The report says the shard was lost.
        #expect((inj1.alarms + inj2.alarms).contains { $0.message.contains("shard-2#store lost") }, "\((inj1.alarms + inj2.alarms).map(\.message)); clif said:\n\(world.log)")
        // The two shards left hold the whole run: `clif report --shards` gives it back as a
        // CLIF report directory.
        let shards = [0, 1].map { world.folder + "/shards/shard-\($0)" }.joined(separator: ",")
        let report = Process()
        report.executableURL = URL(fileURLWithPath: ClifCommandTests.clif)
        report.arguments = ["report", "--shards", shards, "--export", world.folder + "/exported"]
        report.standardOutput = FileHandle.nullDevice
        report.standardError = FileHandle.nullDevice
        try report.run()
        try await offThePool { report.waitUntilExit() }
        #expect(report.terminationStatus == 0)
        let exported = try ReportReader.read(directory: world.folder + "/exported")
        #expect(exported.blade("inj1")?.actions.count == logged1 && exported.blade("inj2")?.actions.count == logged2)
        // What the killed shard had acknowledged survived its kill -9: its log reopens, every
        // record it indexes reads, and its events are the test's.
        let alone = try await ShardFolders.export([world.folder + "/shards/shard-2"], to: world.folder + "/killed")
        #expect(alone.outcome.lost.isEmpty && alone.outcome.unreadable.isEmpty)
        let killed = try ReportReader.read(directory: world.folder + "/killed")
        let events = (killed.blade("inj1")?.actions ?? []) + (killed.blade("inj2")?.actions ?? [])
        #expect(events.count > 0)
        #expect(Set(events.map(\.line)).isSubset(of: Set((inj1.actions + inj2.actions).map(\.line))))
        world.finish()
    }

    @Test func anInjectorNodeKilledMidTestLeavesItsStoredEventsAndTheOthersWhole() async throws {
        let world = try await World()
        let clif = try world.clif(duration: "5s")
        // n2 holds inj2, its router and a shard.
        _ = try await world.kill(1, when: "events on the shard of n2") { world.shardBytes(1) > 20_000 }
        try await offThePool { clif.waitUntilExit() }
        world.nginx.stop()
        #expect(clif.terminationStatus == 0)
        let report = try world.report()
        let inj1 = try #require(report.blade("inj1")), inj2 = try #require(report.blade("inj2"))
        let logged1 = try world.logged("/inj1"), logged2 = try world.logged("/inj2")
        #expect(inj1.actions.count == logged1)
        #expect(inj1.finalState?.state == .completed)
        #expect(inj2.aborted != nil)
        // What inj2 had stored before its node went is there; only its last batches may be missing.
        #expect(inj2.actions.count > 0 && inj2.actions.count <= logged2)
        world.finish()
    }

    @Test func anInjectorNodeKilledWithRebalanceLeavesTheSystemUnderTestItsPlannedLoad() async throws {
        let world = try await World(oneScenario: true)
        let clif = try world.clif(duration: "9s", extra: ["--on-injector-loss", "rebalance"])
        // Killed once both injectors have been at their load for 3 seconds.
        let killed = try await world.kill(1, when: "3 s of load") {
            guard let times = try? world.requestTimes(), let first = times.first else { return false }
            return Date().timeIntervalSince1970 - first > 3.5
        }
        try await offThePool { clif.waitUntilExit() }
        world.nginx.stop()
        #expect(clif.terminationStatus == 0)
        let times = try world.requestTimes()
        let first = try #require(times.first), last = try #require(times.last)
        func rate(_ from: Double, _ to: Double) -> Double { Double(times.filter { $0 >= from && $0 < to }.count) / (to - from) }
        let before = rate(first + 1, killed), after = rate(killed + 2, last - 0.5)
        // Without a rebalance, one injector of two would make half the load.
        #expect(last - killed > 3.5, "the test went on after the loss")
        #expect(after > 0.8 * before, "\(Int(before)) requests/s before the loss, \(Int(after)) from 2 s after it; clif said:\n\(world.log)")
        let report = try world.report()
        #expect(report.blade("inj2")?.aborted != nil)
        #expect(report.blade("inj2")?.alarms.contains { $0.message.contains("goes to inj1") } == true)
        #expect(report.blade("inj1")?.alarms.contains { $0.message.contains("after inj2 was lost: ×1.00 → ×2.00 of its profile, 4 sessions before") } == true)
        world.finish()
    }
}

