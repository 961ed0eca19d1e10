import ClifComponents
import ClifCore
import ClifReports
import ClifStorage
import Foundation
import Fractal
import Synchronization
import Testing

/// Storage shards behind their routers and the sharded storage, in one process: shards that
/// fail, stall, answer garbage and come back, and what the report holds at the end.
@Suite("Sharded storage")
struct ShardedStorageTests {
    /// A storage shard that misbehaves on command.
    final class FlakyShard: ShardStore {
        enum Mode { case up, down, stall, garbage }
        let shard: StorageShard
        let mode = Mutex(Mode.up)
        let puts = Atomic<Int>(0)

        init(_ shard: StorageShard) { self.shard = shard }

        func set(_ mode: Mode) { self.mode.withLock { $0 = mode } }

        private func behave(readGarbage: Bool = false) async throws -> Bool {
            switch mode.withLock({ $0 }) {
            case .up: return false
            case .down: throw FractalError(.remoteFailure, "shard \(shard.name.value) is gone")
            case .stall:
                try await Task.sleep(for: .seconds(120))
                return false
            case .garbage: return readGarbage
            }
        }

        func describe() async throws -> ShardInfo {
            _ = try await behave()
            return try await shard.describe()
        }

        func put(_ run: String, _ records: [UInt8]) async throws -> Int {
            _ = try await behave()
            puts.add(1, ordering: .relaxed)
            return try await shard.put(run, records)
        }

        func index(_ run: String) async throws -> [UInt8] {
            _ = try await behave()
            return try await shard.index(run)
        }

        func fetch(_ run: String, _ ids: [String], _ maxBytes: Int) async throws -> [UInt8] {
            if try await behave(readGarbage: true) { return [1, 0xFF, 0xFF, 0x7F, 3, 4, 5] }
            return try await shard.fetch(run, ids, maxBytes)
        }
    }

    /// `count` shards on nodes `node-0`…, a router, the sharded storage, all bound.
    struct World {
        let folder: String
        let shards: [FlakyShard]
        let router: ShardRouter
        let storage: ShardedStorage
        private let components: [Component]

        init(shards count: Int, replicas: Int = 2, timeout: Int = 2_000, sameNode: Bool = false) throws {
            folder = NSTemporaryDirectory() + "sharded-\(UUID().uuidString)"
            let registry = Registry()
            ClifComponents.register(in: registry)
            var components: [Component] = []
            var shards: [FlakyShard] = []
            for index in 0..<count {
                let content = StorageShard()
                content.name.value = "shard-\(index)"
                content.node.value = sameNode ? "node" : "node-\(index)"
                content.directory.value = folder + "/shard-\(index)"
                let flaky = FlakyShard(content)
                shards.append(flaky)
                components.append(try Component.primitive("shard-\(index)", type: ComponentType([
                    InterfaceType(name: "store", signature: ShardStoreProxy.self, role: .server)]), content: flaky, registry: registry))
            }
            router = ShardRouter()
            router.run.value = "run-1"
            router.replicas.value = replicas
            router.timeout.value = timeout
            storage = ShardedStorage()
            storage.run.value = "run-1"
            storage.replicas.value = replicas
            storage.timeout.value = timeout
            storage.directory.value = folder + "/report"
            let routerComponent = try Component.primitive("router", type: ComponentType([
                InterfaceType(name: "write", signature: StorageWriteProxy.self, role: .server),
                InterfaceType(name: "shards", signature: ShardStoreProxy.self, role: .client, cardinality: .multicast),
            ]), content: router, registry: registry)
            let storageComponent = try Component.primitive("storage", type: ComponentType([
                InterfaceType(name: "admin", signature: StorageAdminProxy.self, role: .server),
                InterfaceType(name: "shards", signature: ShardStoreProxy.self, role: .client, cardinality: .multicast),
            ]), content: storage, registry: registry)
            for shard in components {
                try routerComponent.bindingController.bind("shards", to: shard.interface(named: "store"))
                try storageComponent.bindingController.bind("shards", to: shard.interface(named: "store"))
            }
            self.shards = shards
            self.components = components + [routerComponent, storageComponent]
        }

        func start() async throws {
            for component in components { try await component.lifeCycleController.start() }
        }

        func tearDown(keepingFiles: Bool = false) async {
            for component in components { try? await component.lifeCycleController.stop() }
            if !keepingFiles { try? FileManager.default.removeItem(atPath: folder) }
        }

        func open() async throws {
            _ = try await storage.openTest(TestInfo(name: "shop", start: 1_700_000_000_000), plan: "#CLIF test plan\n")
            try await storage.openBlade(BladeInfo(id: "injector", eventTypes: [.action], server: ["host": "a"]))
            try await storage.lifecycle("injector", .running, date: 5, reason: nil)
        }

        /// Batch `sequence`: 10 events dated in the batch's own second.
        static func batch(_ sequence: Int) -> EventBatch {
            EventBatch(actions: (0..<10).map {
                ActionEvent(date: Int64(sequence * 1_000 + $0), sessionID: $0, type: "GET", iteration: sequence, success: true, duration: 2, comment: "200", result: nil)
            })
        }

        func store(_ range: ClosedRange<Int>) async throws {
            for sequence in range { try await router.store("injector", Self.batch(sequence), sequence: sequence) }
        }

        /// Ids each shard holds.
        func holdings() async throws -> [Set<String>] {
            try await shards.asyncMap { Set(try RecordCodec.decodeIndex(try await $0.shard.index("run-1")).map(\.id)) }
        }

        func report() throws -> ReportRun {
            try ReportReader.read(directory: folder + "/report")
        }
    }

    @Test func everyBatchIsOnTwoShardsOfDistinctNodesAndTheKeysSpread() async throws {
        let world = try World(shards: 3)
        try await world.start()
        try await world.open()
        try await world.store(1...200)
        let holdings = try await world.holdings()
        let events = (1...200).map { "events:\($0):injector" }
        for id in events { #expect(holdings.filter { $0.contains(id) }.count == 2, "\(id)") }
        // 10 s intervals: 20 keys, spread over the three shards.
        for holding in holdings { #expect(holding.filter { $0.hasPrefix("events:") }.count > 20) }

        _ = try await world.storage.closeTest()
        let report = try world.report()
        #expect(report.blade("injector")?.actions.count == 2_000)
        #expect(report.blade("injector")?.actions.map(\.iteration) == (1...200).flatMap { Array(repeating: $0, count: 10) })
        #expect(report.blade("injector")?.lifecycle.map(\.state) == [.running])
        await world.tearDown()
    }

    @Test func anyTwoOfThreeShardFoldersHoldTheWholeRun() async throws {
        let world = try World(shards: 3)
        try await world.start()
        try await world.open()
        try await world.store(1...120)
        _ = try await world.storage.closeTest()
        await world.tearDown(keepingFiles: true)
        for pair in [[0, 1], [0, 2], [1, 2]] {
            let exported = try await ShardFolders.export(pair.map { world.folder + "/shard-\($0)" }, to: world.folder + "/export-\(pair)")
            #expect(exported.outcome.lost.isEmpty)
            let report = try ReportReader.read(directory: world.folder + "/export-\(pair)")
            #expect(report.blade("injector")?.actions.count == 1_200)
            #expect(report.blade("injector")?.server["host"] == "a")
        }
        // One folder alone lacks the records of the keys it is not home to (the test's own record
        // among them, for one of the three).
        for index in 0..<3 {
            let target = world.folder + "/export-alone-\(index)"
            let events = (try? await ShardFolders.export([world.folder + "/shard-\(index)"], to: target))
                .flatMap { _ in try? ReportReader.read(directory: target).blade("injector")?.actions.count } ?? 0
            #expect(events < 1_200)
        }
        try? FileManager.default.removeItem(atPath: world.folder)
    }

    @Test func aBatchSentAgainIsStoredOnce() async throws {
        let world = try World(shards: 3)
        try await world.start()
        try await world.open()
        try await world.store(1...5)
        try await world.router.store("injector", World.batch(3), sequence: 3)
        _ = try await world.storage.closeTest()
        #expect(try world.report().blade("injector")?.actions.count == 50)
        await world.tearDown()
    }

    @Test func aLostShardsKeysGoToTheNextShardAndNothingIsMissing() async throws {
        let world = try World(shards: 3)
        try await world.start()
        try await world.open()
        try await world.store(1...50)
        world.shards[1].set(.down)
        try await world.store(51...200)
        let holdings = try await world.holdings()
        for sequence in 51...200 {
            let id = "events:\(sequence):injector"
            #expect(holdings[0].contains(id) && holdings[2].contains(id), "\(id) is not on both shards left")
        }
        _ = try await world.storage.closeTest()
        let report = try world.report()
        #expect(report.blade("injector")?.actions.count == 2_000)
        let alarms = report.blade("injector")?.alarms.map(\.message) ?? []
        #expect(alarms.contains { $0.contains("shard-1#store lost") })
        await world.tearDown()
    }

    @Test func aShardThatComesBackIsRepairedWhenTheTestCloses() async throws {
        let world = try World(shards: 3)
        try await world.start()
        try await world.open()
        try await world.store(1...40)
        world.shards[2].set(.down)
        try await world.store(41...160)
        world.shards[2].set(.up)
        try await world.store(161...200)
        let before = try await world.holdings()
        _ = try await world.storage.closeTest()
        let repaired = world.storage.lastReadOutcome?.repaired.first { $0.key.contains("shard-2") }?.value ?? 0
        #expect(repaired > 0)
        // Every record is now on its two home shards: shard-2 holds all it should.
        let after = try await world.holdings()
        #expect(after[2].count == before[2].count + repaired)
        for sequence in 1...200 {
            let id = "events:\(sequence):injector"
            #expect(after.filter { $0.contains(id) }.count >= 2)
        }
        let (missingOn2, _) = try await homesMissing(world)
        #expect(missingOn2 == 0)
        #expect(try world.report().blade("injector")?.actions.count == 2_000)
        await world.tearDown()
    }

    /// Records whose key places them on shard-2 (over all three) that it does not hold.
    func homesMissing(_ world: World) async throws -> (Int, Int) {
        let holdings = try await world.holdings()
        let index = try RecordCodec.decodeIndex(try await world.shards[0].shard.index("run-1")) + RecordCodec.decodeIndex(try await world.shards[1].shard.index("run-1"))
        let names = world.router.shards.serverNames
        var missing = 0, homed = 0
        for entry in Set(index) {
            let ranked = RendezvousHash.ranked(key: entry.key, among: names).prefix(2).map { names[$0] }
            guard ranked.contains(where: { $0.contains("shard-2") }) else { continue }
            homed += 1
            if !holdings[2].contains(entry.id) { missing += 1 }
        }
        return (missing, homed)
    }

    @Test func aStallingShardIsPassedByAndReported() async throws {
        let world = try World(shards: 3, timeout: 150)
        try await world.start()
        try await world.open()
        try await world.store(1...10)
        world.shards[0].set(.stall)
        try await world.store(11...60)
        world.shards[0].set(.up)
        _ = try await world.storage.closeTest()
        let report = try world.report()
        #expect(report.blade("injector")?.actions.count == 600)
        #expect(report.blade("injector")?.alarms.contains { $0.message.contains("shard-0#store lost") && $0.message.contains("did not answer within") } == true)
        await world.tearDown()
    }

    @Test func garbageFromAShardIsReadFromItsReplica() async throws {
        let world = try World(shards: 3)
        try await world.start()
        try await world.open()
        try await world.store(1...100)
        world.shards[0].set(.garbage)
        _ = try await world.storage.closeTest()
        #expect(try world.report().blade("injector")?.actions.count == 1_000)
        #expect(world.storage.lastReadOutcome?.unreadable.keys.contains { $0.contains("shard-0") } == true)
        // Beside the run folder, what the storage found.
        let folder = try #require(try ReportReader.runs(in: world.folder + "/report").first).path
        #expect(try String(contentsOfFile: folder + ".shards", encoding: .utf8).contains("set aside: shard-0#store"))
        await world.tearDown()
    }

    @Test func tooFewShardsFailTheWriteUntilOneIsBack() async throws {
        let world = try World(shards: 2)
        try await world.start()
        try await world.open()
        try await world.store(1...3)
        world.shards[1].set(.down)
        await #expect(throws: StorageUnavailable.self) { try await world.router.store("injector", World.batch(4), sequence: 4) }
        world.shards[1].set(.up)
        try await world.store(4...6)
        _ = try await world.storage.closeTest()
        let report = try world.report()
        #expect(report.blade("injector")?.actions.count == 60)
        #expect(report.blade("injector")?.alarms.contains { $0.message.contains("replication fell below 2") } == true)
        await world.tearDown()
    }

    @Test func twoCopiesNeverGoToOneNode() async throws {
        let world = try World(shards: 3, sameNode: true)
        try await world.start()
        await #expect(throws: StorageUnavailable.self) { try await world.open() }
        await world.tearDown()
    }
}

extension Sequence {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
