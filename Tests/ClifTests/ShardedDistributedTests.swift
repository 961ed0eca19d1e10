import ClifReports
import Foundation
import Testing

/// A test plan over three `clif node` processes with its results in storage shards, R = 2,
/// one on each node, and nodes killed with `kill -9` while it runs.
@Suite("Sharded distributed CLIF test", .serialized)
struct ShardedDistributedTests {
    struct World {
        let folder: String
        let nginx: Nginx
        let nodes: [DistributedTestTests.NodeDaemon]

        init() async throws {
            try #require(FileManager.default.isExecutableFile(atPath: ClifCommandTests.clif), "no \(ClifCommandTests.clif): build it with swift build")
            folder = NSTemporaryDirectory() + "clif-sharded-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            nginx = try Nginx()
            // Each injector asks for its own path, so that the access log tells them apart.
            for blade in ["inj1", "inj2"] {
                let path = try loopingGetScenario(base: nginx.baseURL, in: folder, users: 2)
                try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(of: "value=\"/\"", with: "value=\"/\(blade)\"")
                    .write(toFile: folder + "/\(blade).xis", atomically: true, encoding: .utf8)
            }
            nodes = try await [1, 2, 3].asyncMap { number in try await offThePool { try DistributedTestTests.NodeDaemon(name: "n\(number)") } }
            try ["#CLIF test plan", "blade.0.id=inj1", "blade.0.injector=IsacRunner", "blade.0.argument=inj1.xis", "blade.0.server=first",
                 "blade.1.id=inj2", "blade.1.injector=IsacRunner", "blade.1.argument=inj2.xis", "blade.1.server=second"]
                .joined(separator: "\n").appending("\n").write(toFile: folder + "/plan.ctp", atomically: true, encoding: .utf8)
            try """
            <deployment>
              <virtual-node name="first"><node name="n1" address="\(nodes[0].address)"/></virtual-node>
              <virtual-node name="second"><node name="n2" address="\(nodes[1].address)"/></virtual-node>
              <virtual-node name="third"><node name="n3" address="\(nodes[2].address)"/></virtual-node>
            </deployment>
            """.write(toFile: folder + "/deployment.xml", atomically: true, encoding: .utf8)
        }

        func clif(duration: String) throws -> Process {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: ClifCommandTests.clif)
            process.arguments = ["run", folder + "/plan.ctp", "--deployment", folder + "/deployment.xml", "--report", folder + "/report", "--quiet",
                                 "--duration", duration, "--shards", "first,second,third", "--replicas", "2",
                                 "--shard-directory", folder + "/shards"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
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

        func finish() {
            for node in nodes { node.stop() }
            nginx.stop()
            try? FileManager.default.removeItem(atPath: folder)
        }
    }

    @Test func aShardNodeKilledMidTestLosesNoEvent() async throws {
        let world = try await World()
        let clif = try world.clif(duration: "5s")
        // n3 holds only a shard; killed once it holds some of the test's events.
        try await eventually("events on the shard of n3", limit: 30) { world.shardBytes(2) > 20_000 }
        try await world.nodes[2].kill9()
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
        #expect((inj1.alarms + inj2.alarms).contains { $0.message.contains("shard-2#store lost") })
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
        world.finish()
    }

    @Test func anInjectorNodeKilledMidTestLeavesItsStoredEventsAndTheOthersWhole() async throws {
        let world = try await World()
        let clif = try world.clif(duration: "5s")
        // n2 holds inj2, its router and a shard.
        try await eventually("events on the shard of n2", limit: 30) { world.shardBytes(1) > 20_000 }
        try await world.nodes[1].kill9()
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
}
