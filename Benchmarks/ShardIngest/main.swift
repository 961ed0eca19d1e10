import BenchmarkSupport
import ClifComponents
import ClifCore
import ClifStorage
import Fractal
import FractalNIO
import FractalRemote
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Ingest of storage shards: events a second stored, in batches of 1,000 action events.
//
//   swift run -c release ShardIngest [seconds per phase (2)] [writers (4)]
//
// 1. Stores alone, in process: the append-only log and SQLite, each with both durabilities
//    (fsync: on disk before the acknowledgement; process: written to the system), records
//    encoded beforehand, `writers` tasks putting batches at once (as that many blades' proxies).
//    Ratio: to the log with `process` durability, the floor.
// 2. Shard routers, in process: `writers` tasks calling a ShardRouter (the batch encoded per
//    call, as a blade's router does) bound to StorageShard components (log, fsync): 1 shard
//    R = 1, 3 shards R = 1, 3 shards R = 2. Ratio: the cost of R = 2 against R = 1 on the
//    same 3 shards (time per event; the goal is < 2.2×).
// 3. The same over TCP on 127.0.0.1: the shards hosted by one node, the router on another,
//    its multicast interface bound to them through the connection.
//
// Every phase reads back what it stored and checks the count: a phase that lost a record
// fails the run.

let arguments = CommandLine.arguments
let phaseSeconds = arguments.count > 1 ? Double(arguments[1]) ?? 2 : 2
let writers = arguments.count > 2 ? Int(arguments[2]) ?? 4 : 4
let batchSize = 1_000
/// Bounds each phase whatever the machine's speed.
let maximumBatches = 100_000

struct Measured {
    var events: Int
    var seconds: Double
    var cpu: Double
    var perSecond: Double { Double(events) / seconds }
}


func batch(_ number: Int) -> EventBatch {
    let types = ["GET /", "GET /cart", "POST /checkout"]
    return EventBatch(actions: (0..<batchSize).map { index in
        ActionEvent(date: Int64(number * 50 + index / 20), sessionID: index % 64, type: types[index % 3], iteration: number,
                    success: index % 97 != 0, duration: Int64(index % 13), comment: index % 97 == 0 ? "503" : "200", result: nil)
    }, activeSessions: 64)
}

/// Runs `writers` tasks, each calling `store(n)` with its own batch numbers until the budget
/// is spent; returns the events stored.
func timed(_ store: @escaping @Sendable (Int) async throws -> Void) async throws -> Measured {
    let cpu = cpuSeconds()
    let clock = ContinuousClock()
    let start = clock.now
    let end = start + .milliseconds(Int(phaseSeconds * 1000))
    let batches = try await withThrowingTaskGroup(of: Int.self) { group in
        for writer in 0..<writers {
            group.addTask {
                var count = 0
                while count < maximumBatches / writers, ContinuousClock.now < end {
                    try await store(writer * maximumBatches + count + 1)
                    count += 1
                }
                return count
            }
        }
        return try await group.reduce(0, +)
    }
    let elapsed = clock.now - start
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    return Measured(events: batches * batchSize, seconds: seconds, cpu: cpuSeconds() - cpu)
}

func grouped(_ value: Double) -> String {
    let digits = String(Int(value.rounded()))
    var result = ""
    for (index, character) in digits.reversed().enumerated() {
        if index > 0 && index % 3 == 0 { result.append(",") }
        result.append(character)
    }
    return String(result.reversed())
}

func row(_ name: String, _ result: Measured, _ ratio: String) {
    print("| \(name) | \(grouped(Double(result.events))) | \(String(format: "%.2f", result.seconds)) | \(grouped(result.perSecond)) | "
          + "\(String(format: "%.2f", result.cpu / result.seconds)) | \(ratio) |")
}

func header(_ title: String) {
    print("")
    print(title)
    print("")
    print("| path | events | seconds | events/s | CPU (cores) | ratio |")
    print("|---|---:|---:|---:|---:|---:|")
}

struct Failure: Error, CustomStringConvertible { var description: String }

func check(_ stored: Int, _ expected: Int, _ what: String) throws {
    guard stored == expected else { throw Failure(description: "\(what): \(stored) events read back, \(expected) stored") }
}

/// Events of `run` a set of engines hold, each record counted once.
func eventsHeld(_ engines: [any ShardEngine], run: String) throws -> Int {
    var ids = Set<String>()
    for engine in engines { for entry in try engine.index(run: run) { ids.insert(entry.id) } }
    return ids.count * batchSize
}

// MARK: Shards as components

let registry = Registry()
ClifComponents.register(in: registry)

func shardComponent(_ name: String, directory: String) throws -> (Component, StorageShard) {
    let content = StorageShard()
    content.name.value = name
    content.node.value = name
    content.directory.value = directory
    return (try Component.primitive(name, type: ComponentType([InterfaceType(name: "store", signature: ShardStoreProxy.self, role: .server)]),
                                    content: content, registry: registry), content)
}

func routerComponent(replicas: Int) throws -> (Component, ShardRouter) {
    let router = ShardRouter()
    router.run.value = "bench"
    router.replicas.value = replicas
    router.timeout.value = 60_000
    return (try Component.primitive("router", type: ComponentType([
        InterfaceType(name: "write", signature: StorageWriteProxy.self, role: .server),
        InterfaceType(name: "shards", signature: ShardStoreProxy.self, role: .client, cardinality: .multicast),
    ]), content: router, registry: registry), router)
}

try await Task.detached {
    let folder = NSTemporaryDirectory() + "shard-ingest-\(ProcessInfo.processInfo.processIdentifier)"
    defer { try? FileManager.default.removeItem(atPath: folder) }
    print("ShardIngest: \(phaseSeconds) s a phase, \(writers) writers, batches of \(batchSize) events; stores in \(folder); "
          + "\(ProcessInfo.processInfo.activeProcessorCount) cores")
    let pool = (0..<64).map(batch)
    let encoded = pool.map { RecordCodec.encode([ShardRecord(key: "k", id: "", payload: EventBatchCodec.encode($0))]) }
    print("a batch: \(encoded[0].count) bytes encoded (\(encoded[0].count / batchSize) bytes an event)")

    // 1. Stores alone.
    header("Stores alone, in process")
    var floor = 0.0
    for (engine, durability) in [("log", Durability.process), ("log", .fsync), ("sqlite", .process), ("sqlite", .fsync)] {
        let directory = folder + "/\(engine)-\(durability)"
        let store: any ShardEngine = engine == "log" ? try LogShardEngine(directory: directory, durability: durability)
                                                     : try SQLiteShardEngine(directory: directory, durability: durability)
        let payloads = pool.map { EventBatchCodec.encode($0) }
        let result = try await timed { number in
            _ = try store.put([ShardRecord(key: "k\(number % 20)", id: "b\(number)", payload: payloads[number % payloads.count])], run: "bench")
        }
        try check(try eventsHeld([store], run: "bench"), result.events, "\(engine) \(durability)")
        if floor == 0 { floor = result.perSecond }
        row("\(engine == "log" ? "append-only log" : "SQLite (GRDB, WAL)"), \(durability)", result, String(format: "%.2f× the log, process", result.perSecond / floor))
        store.close()
    }

    // 2 and 3. Routers.
    var localR1 = 0.0
    for transport in ["in process", "TCP 127.0.0.1"] {
        header("Shard routers, \(transport) (log, fsync)")
        var r1ThreeShards = 0.0
        var r1OneShard = 0.0
        for (shardCount, replicas) in [(1, 1), (3, 1), (3, 2)] {
            let directory = folder + "/\(transport.prefix(3))-\(shardCount)-\(replicas)"
            let shards = try (0..<shardCount).map { try shardComponent("shard-\($0)", directory: directory + "/shard-\($0)") }
            let (router, content) = try routerComponent(replicas: replicas)
            var nodes: (Node, Node)?
            if transport == "in process" {
                for (shard, _) in shards { try router.bindingController.bind("shards", to: shard.interface(named: "store")) }
            } else {
                var options = PeerOptions()
                options.callDeadline = .seconds(60)
                let transports = TransportRegistry([TCPTransport(authentication: .sharedSecret(.random()))])
                let server = Node(name: "shards", transports: transports, options: options)
                let client = Node(name: "router", transports: transports, options: options)
                let address = try await server.listen(at: NodeAddress(parsing: "tcp://127.0.0.1:0"))
                let peer = try await client.connect(to: address)
                for (shard, _) in shards {
                    try server.host(shard, at: "/bench/\(shard.name)")
                    try router.bindingController.bind("shards", to: RemoteReference(channel: peer, export: "/bench/\(shard.name)#store",
                                                                                     signature: ShardStoreProxy.signatureName,
                                                                                     description: "shards:/bench/\(shard.name)#store", deadline: .seconds(60)))
                }
                nodes = (server, client)
            }
            for (shard, _) in shards { try await shard.lifeCycleController.start() }
            try await router.lifeCycleController.start()
            let sequence = Atomic<Int>(0)
            let result = try await timed { number in
                try await content.store("blade-\(number % writers)", pool[number % pool.count], sequence: sequence.add(1, ordering: .relaxed).newValue)
            }
            let engines = try shards.map { try LogShardEngine(directory: $0.1.directory.value, durability: .process) }
            try check(try eventsHeld(engines, run: "bench"), result.events, "\(shardCount) shards R = \(replicas), \(transport)")
            var copies = 0
            for engine in engines { copies += try engine.index(run: "bench").count }
            guard copies == replicas * result.events / batchSize else {
                throw Failure(description: "\(copies) copies for \(result.events / batchSize) batches with R = \(replicas)")
            }
            let ratio: String
            switch (shardCount, replicas) {
            case (1, 1):
                r1OneShard = result.perSecond
                if transport == "in process" { localR1 = result.perSecond }
                ratio = transport == "in process" ? "1.00" : String(format: "%.2f× in process", result.perSecond / localR1)
            case (3, 1):
                r1ThreeShards = result.perSecond
                ratio = String(format: "%.2f× 1 shard", result.perSecond / r1OneShard)
            default:
                ratio = String(format: "R = 2 costs %.2f× R = 1", r1ThreeShards / result.perSecond)
            }
            row("\(shardCount) shard\(shardCount == 1 ? "" : "s"), R = \(replicas)", result, ratio)
            try await router.lifeCycleController.stop()
            for (shard, _) in shards { try await shard.lifeCycleController.stop() }
            if let (server, client) = nodes {
                await client.shutdown()
                await server.shutdown()
            }
        }
    }
}.value
