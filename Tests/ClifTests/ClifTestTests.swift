import ClifComponents
import ClifCore
import Foundation
import Fractal
import FractalADL
import Testing

/// A whole CLIF test in one process: supervisor, storage and blades from a test plan.
@Suite("CLIF test in one process", .serialized)
struct ClifTestTests {
    /// A test plan as CLIF writes it: hash-ordered keys, escapes, CRLF, `local host`, blade ids
    /// that are not their index.
    static func plan(in folder: String, probe: Bool = true) throws -> TestPlan {
        var lines = [
            "#CLIF test plan", "#Tue Mar 27 15:14:38 CEST 2012",
            "blade.1.id=inj2", "blade.0.server=local host", "blade.1.argument=get.xis", "blade.0.comment=",
            "blade.0.injector=IsacRunner", "blade.1.injector=IsacRunner", "blade.0.id=inj1", "blade.1.server=local host",
            "blade.0.argument=get.xis threads\\=1", "blade.1.comment=second injector",
        ]
        if probe { lines += ["blade.5.id=cpu", "blade.5.probe=cpu", "blade.5.server=local host", "blade.5.argument=200 30", "blade.5.comment="] }
        let path = folder + "/test.ctp"
        try lines.joined(separator: "\r\n").appending("\r\n").write(toFile: path, atomically: true, encoding: .utf8)
        return try TestPlan.read(file: path)
    }

    struct World {
        let folder: String
        let nginx: Nginx
        let component: Component
        let control: any TestControl
        let plan: TestPlan

        init(duration: Double, probe: Bool = true, sharding: TestArchitecture.Sharding? = nil) async throws {
            folder = NSTemporaryDirectory() + "clif-test-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            nginx = try Nginx()
            _ = try loopingGetScenario(base: nginx.baseURL, in: folder, users: 2)
            plan = try ClifTestTests.plan(in: folder, probe: probe)
            var sharding = sharding
            sharding?.directory = folder + "/shards"
            let architecture = TestArchitecture(plan: plan, name: "local", reportDirectory: folder + "/report", duration: duration, sharding: sharding)
            let registry = Registry()
            ClifComponents.register(in: registry)
            component = try ADL.load(try architecture.write(in: folder), searchPath: [packageRoot + "/ADL"], registry: registry)
            try await component.lifeCycleController.start()
            control = try component.interface(named: "control").callable(as: (any TestControl).self)
        }

        func run() async throws -> TestOutcome {
            try await control.run(TestRequest(name: "local", plan: try String(contentsOfFile: plan.file!, encoding: .utf8)))
        }

        func lines(_ blade: String, _ file: String, in outcome: TestOutcome) throws -> [String] {
            try String(contentsOfFile: "\(outcome.runFolder)/\(blade)/\(file)", encoding: .utf8).split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") }
        }

        func finish() async {
            try? await component.lifeCycleController.stop()
            nginx.stop()
            try? FileManager.default.removeItem(atPath: folder)
        }
    }

    @Test func aPlansResultsGoThroughStorageShardsAndComeBackWhole() async throws {
        let world = try await World(duration: 2, sharding: TestArchitecture.Sharding(servers: Array(repeating: TestPlan.localHost, count: 3), replicas: 1, run: "local-1"))
        let outcome = try await world.run()
        world.nginx.stop()
        let inj1 = try world.lines("inj1", "action", in: outcome), inj2 = try world.lines("inj2", "action", in: outcome)
        let logged = try world.nginx.loggedRequests().count
        #expect(!inj1.isEmpty && inj1.count + inj2.count == logged)
        #expect(try world.lines("inj1", "lifecycle", in: outcome).map { $0.split(separator: ",")[2] } == ["initializing", "initialized", "starting", "running", "completed"])
        // The shards share the records (a handful of keys: the test's, the blades', one 10 s
        // interval of each injector), and together give the run back.
        let shards = (0..<3).map { world.folder + "/shards/shard-\($0)" }
        let holding = shards.filter { !((try? FileManager.default.contentsOfDirectory(atPath: $0)) ?? []).isEmpty }
        #expect(holding.count >= 2)
        let exported = try await ShardFolders.export(shards, to: world.folder + "/exported")
        #expect(exported.run == "local-1" && exported.outcome.lost.isEmpty)
        await world.finish()
    }

    @Test func aShardingThatCannotKeepCopiesApartIsRefused() throws {
        let folder = NSTemporaryDirectory() + "clif-sharding-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        _ = try loopingGetScenario(base: "http://127.0.0.1:1", in: folder)
        let plan = try Self.plan(in: folder, probe: false)
        func adl(_ sharding: TestArchitecture.Sharding) throws -> String {
            try TestArchitecture(plan: plan, name: "t", reportDirectory: "report", sharding: sharding).adl()
        }
        // Two servers on one node are one place.
        let oneNode = TestArchitecture.Sharding(servers: ["a", "b"], replicas: 2, run: "r", nodes: ["a": "n1", "b": "n1"])
        #expect { try adl(oneNode) } throws: { "\($0)".contains("2 copies of each record need shards on 2 distinct nodes; the shards are on 1 (n1)") }
        #expect { try adl(TestArchitecture.Sharding(servers: ["a", "b"], run: "r", engine: "btree")) } throws: { "\($0)".contains("engine 'btree'") }
        #expect { try adl(TestArchitecture.Sharding(servers: ["a"], replicas: 1, run: "r,x")) } throws: { "\($0)".contains("'r,x'") }
        let placed = try adl(TestArchitecture.Sharding(servers: ["a", "b"], run: "r", nodes: ["a": "n1", "b": "n2"], sites: ["a": "lyon"]))
        #expect(placed.contains("node=&gt;n1,site=&gt;lyon") || placed.contains("node=>n1,site=>lyon"))
        #expect(placed.contains("router-inj1") && placed.contains("clif.ShardedStorage("))
    }

    @Test func everyRequestOfEveryBladeIsInTheReportAndTheBladesFollowCLIFsLifecycle() async throws {
        let world = try await World(duration: 2)
        let outcome = try await world.run()
        world.nginx.stop()

        #expect(outcome.blades.map(\.id).sorted() == ["cpu", "inj1", "inj2"])
        for blade in outcome.blades where blade.id != "cpu" { #expect(blade.state == .completed, "\(blade)") }
        // The probe would run for 30 s: it is stopped when the last injector has ended.
        #expect(outcome.blades.first { $0.id == "cpu" }?.state == .stopped)

        let inj1 = try world.lines("inj1", "action", in: outcome), inj2 = try world.lines("inj2", "action", in: outcome)
        #expect(!inj1.isEmpty && !inj2.isEmpty)
        #expect(inj1.count + inj2.count == (try world.nginx.loggedRequests().count))
        for blade in ["inj1", "inj2"] {
            let states = try world.lines(blade, "lifecycle", in: outcome).map { $0.split(separator: ",")[1] }
            #expect(states == ["3", "4", "5", "6", "10"], "\(blade)")
        }
        #expect(try world.lines("cpu", "lifecycle", in: outcome).map { $0.split(separator: ",")[2] } == ["initializing", "initialized", "starting", "running", "stopping", "stopped"])
        let cpu = try world.lines("cpu", "cpu", in: outcome)
        #expect(!cpu.isEmpty)
        #expect(FileManager.default.fileExists(atPath: outcome.runFolder + ".ctp"))
        #expect(try String(contentsOfFile: outcome.runFolder + "/inj1/action.classname", encoding: .utf8) == "org.ow2.clif.storage.api.ActionEvent\n")

        // The test's analyzer: the quick statistics of both injectors' events, and thresholds.
        let analysis = try world.component.interface(named: "analysis").callable(as: (any Analysis).self)
        let result = try await analysis.analyze(outcome.runFolder, thresholds: ["errors == 0", "calls > 100000000"])
        #expect(result.table.contains("GLOBAL LOAD"))
        #expect(result.table.contains(" \(inj1.count + inj2.count) "))
        #expect(result.thresholds.map(\.passed) == [true, false])
        await world.finish()
    }

    @Test func whileSuspendedNoRequestReachesTheSystemUnderTestAndTheLoadResumesAfter() async throws {
        let world = try await World(duration: 60, probe: false)
        let running = Task { try await world.run() }
        try await eventually("requests reach nginx", limit: 30) { ((try? world.nginx.loggedRequests().count) ?? 0) > 20 }
        try await world.control.suspend()
        let status = try await world.control.status()
        #expect(status.blades.allSatisfy { $0.state == .suspended })
        let before = try world.nginx.loggedRequests().count
        // A window in which nothing may happen.
        try await Task.sleep(for: .milliseconds(500))
        #expect(try world.nginx.loggedRequests().count == before)
        try await world.control.resume()
        try await eventually("requests after resume", limit: 30) { ((try? world.nginx.loggedRequests().count) ?? 0) > before + 20 }
        try await world.control.stop()
        let outcome = try await running.value
        world.nginx.stop()

        for blade in outcome.blades { #expect(blade.state == .stopped, "\(blade)") }
        let states = try world.lines("inj1", "lifecycle", in: outcome).map { String($0.split(separator: ",")[2]) }
        #expect(states == ["initializing", "initialized", "starting", "running", "suspending", "suspended", "resuming", "running", "stopping", "stopped"])
        let events = try world.lines("inj1", "action", in: outcome).count + (try world.lines("inj2", "action", in: outcome).count)
        #expect(events == (try world.nginx.loggedRequests().count))
        await world.finish()
    }
}
