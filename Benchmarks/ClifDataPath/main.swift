import BenchmarkSupport
import ClifComponents
import ClifCore
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

// The data path of a CLIF test: how many events a second its storage path stores, and how many
// a second one supervisor merges live.
//
//   swift run -c release ClifDataPath [seconds per phase (2)] [parts: all | local | tcp | merge | calls] [batch sizes (100,1000,10000)]
//
// `tcp` runs the in-process phases too (its ratio is to them); a single batch size, with a
// single part, is what to run under a profiler.
//
// Everything runs in this process; the network phases use TCPTransport on 127.0.0.1 only.
//
// 1. Storage path, in process: synthetic action events (a 3–10 character action type, a
//    comment, a `null` result) in batches of 100, 1,000 or 10,000, as an injector hands them
//    on, pushed one batch after the other into a DataCollector's `events` interface, bound to
//    a StorageProxy (its defaults: a batch to the storage every 500 ms or past 20,000 events),
//    bound to a FileStorage writing a CLIF report in a temporary directory. The clock runs from
//    the first push to the proxy's last flush; the `action` file's lines are counted at the end
//    (none may be missing). Baselines, in the same run: the same lines, rendered beforehand,
//    written straight to a file with FileHandle, a write a batch (the floor of the path's cost);
//    and, for analysis, the lines rendered with `ActionEvent.line` and written as RunReport
//    does, without components.
// 2. Storage path over a node connection: the same, with the FileStorage hosted by a second
//    Node and the proxy's `storage` bound to it over TCP (each store a call carrying its batch,
//    JSON-encoded). Its ratio is to the in-process path.
// 3. Live merge: snapshots as blades send them (5 action types, K events each, HDR histograms
//    with 2 significant digits, as the DataCollector keeps them) merged with
//    `IntervalStatistics.add` under a lock, as `Supervisor.look(at:)` does, 50 a tick; against
//    recording the same events one by one (what the collector does per event). Then
//    `statistics()` through `clif.BladeControl` on a blade that answers a ready snapshot: in
//    process, through the serialising path alone (LoopbackChannel), and over TCP, one call at a
//    time and 8 in flight (a supervisor asks its blades at once); the baseline is `state()`, a
//    call that carries nothing, on the same interface. Last, fetch-and-merge over TCP, 8 in
//    flight: events a second one supervisor takes in live.
//
// Every loop stops at the phase's time or at its count bound, whichever comes first.

// MARK: Settings

let arguments = Array(CommandLine.arguments.dropFirst())
let phaseSeconds = arguments.count > 0 ? max(0.2, Double(arguments[0]) ?? 2) : 2
let parts = arguments.count > 1 ? arguments[1] : "all"
func runs(_ part: String) -> Bool { parts == "all" || parts == part }
let batchSizes = arguments.count > 2 ? arguments[2].split(separator: ",").compactMap { Int($0) }.filter { $0 > 0 } : [100, 1_000, 10_000]
/// A bound on the events of one storage phase, whatever the clock says.
let maximumEvents = 50_000_000
/// A bound on the calls of one round-trip phase.
let maximumCalls = 10_000_000
/// Events in the pool of batches a storage phase sends round and round.
let poolEvents = 200_000
let actionTypes = ["GET", "POST", "login", "search", "checkout", "add2cart", "statistics", "logout"]
let comments = ["home page", "product list", "cart", "sign in", "search results", "order confirmation"]
let typesPerSnapshot = 5
let bladesPerTick = 50
let inFlight = 8

ClifComponents.register()

// MARK: Measuring



/// What one phase did: `count` items (events, calls, snapshots) in `seconds`, with `cpu`
/// seconds of the process's CPU time.
struct Measured {
    var count: Int
    var seconds: Double
    var cpu: Double
    var perSecond: Double { Double(count) / seconds }
    /// Cores busy on average.
    var cores: Double { cpu / seconds }
}

func measured(_ body: () async throws -> Int) async rethrows -> Measured {
    let clock = ContinuousClock()
    let cpu = cpuSeconds()
    let start = clock.now
    let count = try await body()
    let elapsed = seconds(clock.now - start)
    return Measured(count: count, seconds: elapsed, cpu: cpuSeconds() - cpu)
}

/// Runs `call` in `tasks` child tasks, each looping until `budget` has passed or its share of
/// `maximumCalls`; returns the calls made.
func timedCalls(tasks: Int = 1, budget: Double = phaseSeconds, _ call: @escaping @Sendable () async throws -> Void) async throws -> Measured {
    try await measured {
        let end = ContinuousClock.now + .milliseconds(Int(budget * 1000))
        return try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<tasks {
                group.addTask {
                    var count = 0
                    while count < maximumCalls / tasks, ContinuousClock.now < end {
                        try await call()
                        count += 1
                    }
                    return count
                }
            }
            return try await group.reduce(0, +)
        }
    }
}

/// Counts the bytes of the calls a channel carries.
final class SizeProbe: CallChannel {
    let inner: any CallChannel
    private let sizes = Mutex<(requests: Int, requestBytes: Int, lastReply: Int)>((0, 0, 0))

    init(_ inner: any CallChannel) { self.inner = inner }

    func send(_ request: [UInt8]) async throws -> [UInt8] {
        try await send(request, deadline: nil)
    }

    func send(_ request: [UInt8], deadline: Duration?) async throws -> [UInt8] {
        let reply = try await inner.send(request, deadline: deadline)
        sizes.withLock { $0 = ($0.requests + 1, $0.requestBytes + request.count, reply.count) }
        return reply
    }

    var requests: (count: Int, bytes: Int) { sizes.withLock { ($0.requests, $0.requestBytes) } }
    var lastReply: Int { sizes.withLock { $0.lastReply } }

    func reset() { sizes.withLock { $0 = (0, 0, 0) } }
}

/// Frame header on the wire: length (4), kind (1), stream (8).
let frameOverhead = 13

func formatted(_ value: Double, digits: Int = 1) -> String {
    let scale = (0..<digits).reduce(1.0) { acc, _ in acc * 10 }
    return "\((value * scale).rounded() / scale)"
}

/// 1234567 → "1,234,567".
func grouped(_ value: Double) -> String {
    let digits = String(Int(value.rounded()))
    var out = ""
    for (index, character) in digits.reversed().enumerated() {
        if index > 0, index % 3 == 0 { out.append(",") }
        out.append(character)
    }
    return String(out.reversed())
}

struct BenchmarkError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

// MARK: Events

/// Event `n` of a synthetic run: 64 sessions, eight action types, one failure in a hundred.
func event(_ n: Int) -> ActionEvent {
    ActionEvent(date: Int64(n / 20), sessionID: n % 64, type: actionTypes[n % actionTypes.count], iteration: n / 64,
                success: n % 100 != 99, duration: Int64(3 + (n &* 7919) % 250), comment: comments[n % comments.count], result: nil)
}

/// About `poolEvents` events in batches of `size`, with increasing dates.
func batches(of size: Int) -> [EventBatch] {
    (0..<max(1, poolEvents / size)).map { index in
        EventBatch(actions: (0..<size).map { event(index * size + $0) }, activeSessions: 64)
    }
}

/// The text RunReport writes for a batch's actions.
func rendered(_ batch: EventBatch) -> String {
    var text = ""
    text.reserveCapacity(batch.actions.count * 64)
    for event in batch.actions {
        text += event.line
        text += "\n"
    }
    return text
}

/// Lines of a file, less those that start with `#` at the start of the file (the header).
func countEventLines(_ path: String) throws -> Int {
    guard let handle = FileHandle(forReadingAtPath: path) else { throw BenchmarkError("cannot read \(path)") }
    defer { try? handle.close() }
    var lines = 0
    var first = true
    var header = 0
    while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
        if first, chunk.first == UInt8(ascii: "#") { header = 1 }
        first = false
        lines += chunk.withUnsafeBytes { bytes in
            var count = 0
            for byte in bytes where byte == 0x0A { count += 1 }
            return count
        }
    }
    return lines - header
}

// MARK: Storage path: components

/// A FileStorage primitive writing under `directory`.
func makeStorage(directory: String) throws -> Component {
    let content = FileStorage()
    content.directory.value = directory
    return try Component.primitive("storage", type: ComponentType([
        InterfaceType(name: "write", signature: StorageWriteProxy.self, role: .server),
        InterfaceType(name: "admin", signature: StorageAdminProxy.self, role: .server),
    ]), content: content)
}

/// Where a blade's proxy sends its batches.
enum StorageTarget {
    case local(any Interface)
    case remote(RemoteReference)
}

/// A blade's data path without its insert and adapter: collector → proxy → storage.
struct BladePath {
    let collector: Component
    let proxy: Component
    /// The collector's `events`, as an insert calls it.
    let events: any EventSink
    /// The proxy's `control`, as the blade's adapter calls it.
    let control: any StorageProxyControl

    init(blade: String, storage: StorageTarget) async throws {
        collector = try Component.primitive("collector", type: ComponentType([
            InterfaceType(name: "events", signature: EventSinkProxy.self, role: .server),
            InterfaceType(name: "control", signature: CollectorControlProxy.self, role: .server),
            InterfaceType(name: "out", signature: EventSinkProxy.self, role: .client),
        ]), content: DataCollector())
        let content = StorageProxy()
        content.blade.value = blade
        proxy = try Component.primitive("proxy", type: ComponentType([
            InterfaceType(name: "events", signature: EventSinkProxy.self, role: .server),
            InterfaceType(name: "control", signature: StorageProxyControlProxy.self, role: .server),
            InterfaceType(name: "storage", signature: StorageWriteProxy.self, role: .client),
        ]), content: content)
        try collector.bindingController.bind("out", to: proxy.interface(named: "events"))
        switch storage {
        case .local(let write): try proxy.bindingController.bind("storage", to: write)
        case .remote(let reference): try proxy.bindingController.bind("storage", to: reference)
        }
        try await proxy.lifeCycleController.start()
        try await collector.lifeCycleController.start()
        events = try collector.interface(named: "events").callable(as: (any EventSink).self)
        control = try proxy.interface(named: "control").callable(as: (any StorageProxyControl).self)
    }

    func stop() async throws {
        try await collector.lifeCycleController.stop()
        try await proxy.lifeCycleController.stop()
    }
}

/// An open test in a storage, with a blade per phase.
struct OpenTest {
    let admin: any StorageAdmin
    let runFolder: String

    init(admin: any StorageAdmin, name: String) async throws {
        self.admin = admin
        runFolder = try await admin.openTest(TestInfo(name: name, start: Int64(Date().timeIntervalSince1970 * 1000)), plan: "# ClifDataPath\n")
    }

    func openBlade(_ id: String) async throws {
        try await admin.openBlade(BladeInfo(id: id, eventTypes: [.action], server: [:]))
    }

    func actionFile(of blade: String) -> String { runFolder + "/" + blade + "/action" }
}

/// Pushes batches (round the pool) into the blade's collector for `phaseSeconds` or
/// `maximumEvents`, then flushes the proxy until it holds nothing; checks the `action` file.
func storeThroughPath(_ path: BladePath, _ pool: [EventBatch], test: OpenTest, blade: String, budget: Double = phaseSeconds) async throws -> Measured {
    let result = try await measured {
        let end = ContinuousClock.now + .milliseconds(Int(budget * 1000))
        var sent = 0
        var index = 0
        while sent < maximumEvents, ContinuousClock.now < end {
            let batch = pool[index % pool.count]
            index += 1
            try await path.events.receive(batch)
            sent += batch.count
        }
        var flushes = 0
        while try await path.control.unsent() > 0 {
            flushes += 1
            guard flushes < 1_000 else { throw BenchmarkError("the proxy still holds events after 1,000 flushes") }
            _ = try await path.control.flush()
        }
        return sent
    }
    try await path.stop()
    let file = test.actionFile(of: blade)
    let stored = try countEventLines(file)
    guard stored == result.count else { throw BenchmarkError("\(blade): \(result.count) events sent, \(stored) lines in \(file)") }
    try? FileManager.default.removeItem(atPath: file)
    return result
}

/// Writes to `file` for a phase (or `maximumEvents`): `chunk(n)` gives the n-th write and its
/// event count; checks the file has one line an event; returns what it measured.
func timedWrites(to file: String, _ chunk: (Int) -> (data: Data, events: Int)) throws -> Measured {
    guard FileManager.default.createFile(atPath: file, contents: nil), let handle = FileHandle(forWritingAtPath: file) else {
        throw BenchmarkError("cannot create \(file)")
    }
    let clock = ContinuousClock()
    let cpu = cpuSeconds()
    let start = clock.now
    let end = start + .milliseconds(Int(phaseSeconds * 1000))
    var written = 0
    var index = 0
    while written < maximumEvents, clock.now < end {
        let (data, events) = chunk(index)
        try handle.write(contentsOf: data)
        index += 1
        written += events
    }
    let result = Measured(count: written, seconds: seconds(clock.now - start), cpu: cpuSeconds() - cpu)
    try handle.close()
    let lines = try countEventLines(file)
    guard lines == written else { throw BenchmarkError("\(written) lines written, \(lines) in \(file)") }
    try FileManager.default.removeItem(atPath: file)
    return result
}

/// The floor: pre-rendered lines written with FileHandle, a write a batch.
func writeRendered(_ texts: [Data], eventsPerText: Int, to file: String) throws -> Measured {
    try timedWrites(to: file) { (texts[$0 % texts.count], eventsPerText) }
}

/// For analysis: lines rendered as RunReport renders them, then written with FileHandle.
func renderAndWrite(_ pool: [EventBatch], to file: String) throws -> Measured {
    try timedWrites(to: file) { index in
        let batch = pool[index % pool.count]
        return (Data(rendered(batch).utf8), batch.count)
    }
}

// MARK: Live merge: snapshots and a blade that answers one

/// A blade's snapshot of one second: `types` action types with `events` events each (one in a
/// hundred a timeout), latencies spread from 1 to 400 ms, recorded as the DataCollector does.
func snapshot(types: Int, eventsPerType: Int, seed: Int) -> BladeSnapshot {
    var interval = IntervalStatistics(second: 0)
    for type in 0..<types {
        var statistics = ActionStatistics(significantDigits: .two)
        for n in 0..<eventsPerType {
            if n % 100 == 99 {
                statistics.recordError("timeout")
            } else {
                let micros = UInt64(1 + ((n &+ seed) &* 7919) % 400) * 1_000
                statistics.recordSuccess(latency: micros, service: micros)
            }
        }
        interval.actions[actionTypes[type]] = statistics
    }
    return BladeSnapshot(state: .running, interval: interval, activeSessions: 64)
}

/// The DataCollector's work per event, for a batch: what merging a snapshot saves.
func record(_ batch: EventBatch, into interval: inout IntervalStatistics) {
    for event in batch.actions {
        if event.success {
            let micros = UInt64(max(0, event.duration)) * 1_000
            interval.actions[event.type, default: ActionStatistics(significantDigits: .two)].recordSuccess(latency: micros, service: micros)
        } else {
            interval.actions[event.type, default: ActionStatistics(significantDigits: .two)].recordError("failed")
        }
    }
}

/// A blade whose `statistics()` answers a ready snapshot: the cost of the call, not of the
/// collector that fills it.
final class CannedBlade: BladeControl {
    let snapshot: BladeSnapshot
    init(_ snapshot: BladeSnapshot) { self.snapshot = snapshot }

    func initialize(_ test: TestInfo) async throws -> BladeInfo { BladeInfo(id: "canned", eventTypes: [.action], server: [:]) }
    func start() async throws {}
    func suspend() async throws {}
    func resume() async throws {}
    func stop() async throws {}
    func scaleLoad(_ factor: Double) async throws {}
    func join() async throws -> BladeState { .completed }
    func collect() async throws -> Int { 0 }
    func state() async throws -> BladeState { .running }
    func statistics() async throws -> BladeSnapshot { snapshot }
}

func makeCannedBlade(_ snapshot: BladeSnapshot) async throws -> Component {
    let component = try Component.primitive("blade", type: ComponentType([
        InterfaceType(name: "control", signature: BladeControlProxy.self, role: .server),
    ]), content: CannedBlade(snapshot))
    try await component.lifeCycleController.start()
    return component
}

/// Two nodes on 127.0.0.1 over TCP: `server` hosts, `client` calls through `peer`.
struct NodePair {
    let server: Node
    let client: Node
    let peer: Peer

    init(_ name: String) async throws {
        var options = PeerOptions()
        options.callDeadline = .seconds(60)
        options.lossTimeout = .seconds(30)
        let transports = TransportRegistry([TCPTransport(authentication: .sharedSecret(.random()))])
        server = Node(name: name + "Server", transports: transports, options: options)
        client = Node(name: name + "Client", transports: transports, options: options)
        let address = try await server.listen(at: NodeAddress(parsing: "tcp://127.0.0.1:0"))
        peer = try await client.connect(to: address)
    }

    func shutdown() async {
        await client.shutdown()
        await server.shutdown()
    }
}

// MARK: Report

struct Row {
    var path: String
    var batch: String
    var result: Measured
    var ratio: String
}

func printTable(_ title: String, _ header: String, _ rows: [Row]) {
    print("")
    print(title)
    print("")
    print("| path | \(header) | count | seconds | per second | CPU (cores) | ratio |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for row in rows {
        print("| \(row.path) | \(row.batch) | \(grouped(Double(row.result.count))) | \(formatted(row.result.seconds, digits: 2)) | "
            + "\(grouped(row.result.perSecond)) | \(formatted(row.result.cores, digits: 2)) | \(row.ratio) |")
    }
}

func ratio(_ value: Double, _ baseline: Double, _ label: String) -> String {
    let ratio = value / baseline
    return "\(formatted(ratio, digits: ratio < 0.1 ? 4 : 2))× \(label)"
}

// MARK: Run

try await Task.detached {
    let folder = NSTemporaryDirectory() + "clif-data-path-\(ProcessInfo.processInfo.processIdentifier)"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    print("ClifDataPath: \(formatted(phaseSeconds)) s a phase; report in \(folder); \(ProcessInfo.processInfo.activeProcessorCount) cores")

    var storageRows: [Row] = []
    var localRate: [Int: Double] = [:]
    if runs("local") || runs("tcp") {
        let storage = try makeStorage(directory: folder + "/local")
        try await storage.lifeCycleController.start()
        let test = try await OpenTest(admin: storage.interface(named: "admin").callable(as: (any StorageAdmin).self), name: "local")
        // Warm-up: allocator, page cache, code paths.
        try await test.openBlade("warm-up")
        _ = try await storeThroughPath(BladePath(blade: "warm-up", storage: .local(storage.interface(named: "write"))),
                                       batches(of: 1_000), test: test, blade: "warm-up", budget: min(0.5, phaseSeconds))
        for size in batchSizes {
            let pool = batches(of: size)
            let texts = pool.map { Data(rendered($0).utf8) }
            let floor = try writeRendered(texts, eventsPerText: size, to: folder + "/floor")
            let format = try renderAndWrite(pool, to: folder + "/format")
            let blade = "local-\(size)"
            try await test.openBlade(blade)
            let path = try await BladePath(blade: blade, storage: .local(storage.interface(named: "write")))
            let stored = try await storeThroughPath(path, pool, test: test, blade: blade)
            localRate[size] = stored.perSecond
            storageRows.append(Row(path: "FileHandle, lines rendered beforehand (floor)", batch: grouped(Double(size)), result: floor, ratio: "1.0"))
            storageRows.append(Row(path: "render (`ActionEvent.line`) + FileHandle", batch: grouped(Double(size)), result: format,
                                   ratio: ratio(format.perSecond, floor.perSecond, "floor")))
            storageRows.append(Row(path: "**collector → proxy → FileStorage, in process**", batch: grouped(Double(size)), result: stored,
                                   ratio: ratio(stored.perSecond, floor.perSecond, "floor")))
        }
        _ = try await test.admin.closeTest()
        try await storage.lifeCycleController.stop()
    }
    if runs("tcp") {
        let nodes = try await NodePair("storage")
        let storage = try makeStorage(directory: folder + "/tcp")
        try nodes.server.host(storage, at: "/bench/storage")
        try await storage.lifeCycleController.start()
        let probe = SizeProbe(nodes.peer)
        let admin = try remoteProxy((any StorageAdmin).self, exportedAs: "/bench/storage#admin", over: nodes.peer)
        let test = try await OpenTest(admin: admin, name: "tcp")
        let reference = RemoteReference(channel: probe, export: "/bench/storage#write", signature: StorageWriteProxy.signatureName,
                                        description: "\(nodes.server.name):/bench/storage#write", deadline: .seconds(60))
        try await test.openBlade("warm-up")
        _ = try await storeThroughPath(BladePath(blade: "warm-up", storage: .remote(reference)), batches(of: 1_000), test: test,
                                       blade: "warm-up", budget: min(0.5, phaseSeconds))
        var wire: [String] = []
        for size in batchSizes {
            let pool = batches(of: size)
            let blade = "tcp-\(size)"
            try await test.openBlade(blade)
            probe.reset()
            let stored = try await storeThroughPath(BladePath(blade: blade, storage: .remote(reference)), pool, test: test, blade: blade)
            let (calls, bytes) = probe.requests
            wire.append("batches of \(grouped(Double(size))): \(grouped(Double(calls))) store calls, "
                + "\(grouped(Double(bytes / max(1, calls)))) bytes each on average (\(formatted(Double(bytes) / Double(max(1, stored.count)))) bytes an event)")
            storageRows.append(Row(path: "**collector → proxy → FileStorage on another node (TCP)**", batch: grouped(Double(size)), result: stored,
                                   ratio: localRate[size].map { ratio(stored.perSecond, $0, "in process") } ?? "—"))
        }
        _ = try await admin.closeTest()
        await nodes.shutdown()
        // Analysis: the JSON coding of what one store call carries (the proxy's batch of 20,000).
        let proxyBatch = EventBatch(actions: (0..<20_000).map { event($0) }, activeSessions: 64)
        let batchJSON = try JSONEncoder().encode(proxyBatch)
        let encodes = try await timedCalls { _ = try JSONEncoder().encode(proxyBatch) }
        let decodes = try await timedCalls {
            if try JSONDecoder().decode(EventBatch.self, from: batchJSON).count != proxyBatch.count { throw BenchmarkError("decoding lost events") }
        }
        for (label, result) in [("JSON encoding of the proxy's batches alone (analysis)", encodes), ("JSON decoding of them alone (analysis)", decodes)] {
            storageRows.append(Row(path: label, batch: "20,000", result: Measured(count: result.count * proxyBatch.count, seconds: result.seconds, cpu: result.cpu),
                                   ratio: "—"))
        }
        printTable("Storage path: events stored a second (every event counted back in the `action` file)", "batch", storageRows)
        print("")
        print("Over TCP: " + wire.joined(separator: "; "))
    } else if !storageRows.isEmpty {
        printTable("Storage path: events stored a second (every event counted back in the `action` file)", "batch", storageRows)
    }

    if runs("merge") {
        var mergeRows: [Row] = []
        var perSnapshot: [String] = []
        // Merging, as the supervisor does once a tick for each blade's snapshot.
        for eventsPerType in [100, 10_000] {
            let snapshots = (0..<bladesPerTick).map { snapshot(types: typesPerSnapshot, eventsPerType: eventsPerType, seed: $0) }
            let events = typesPerSnapshot * eventsPerType
            // Baseline: recording those events one by one, as the collector does.
            let batch = EventBatch(actions: (0..<events).map { event($0) })
            let recorded = try await timedCalls {
                var interval = IntervalStatistics(second: 0)
                record(batch, into: &interval)
                if interval.actions.isEmpty { throw BenchmarkError("nothing recorded") }
            }
            let recordRate = Double(recorded.count * events) / recorded.seconds
            let merged = try await timedCalls {
                let live = Mutex(IntervalStatistics(second: 0))
                for snapshot in snapshots { live.withLock { $0.add(snapshot.interval) } }
                if live.withLock({ $0.actions.count }) != typesPerSnapshot { throw BenchmarkError("merge lost action types") }
            }
            let snapshotsMerged = Double(merged.count * bladesPerTick)
            let mergeRate = snapshotsMerged * Double(events) / merged.seconds
            let label = "\(typesPerSnapshot) × \(grouped(Double(eventsPerType)))"
            mergeRows.append(Row(path: "record the events one by one (collector's work)", batch: label,
                                 result: Measured(count: recorded.count * events, seconds: recorded.seconds, cpu: recorded.cpu), ratio: "1.0"))
            mergeRows.append(Row(path: "**merge snapshots (`IntervalStatistics.add`), events represented**", batch: label,
                                 result: Measured(count: Int(snapshotsMerged) * events, seconds: merged.seconds, cpu: merged.cpu),
                                 ratio: ratio(mergeRate, recordRate, "recording")))
            perSnapshot.append("\(label) events: \(formatted(merged.seconds / snapshotsMerged * 1e6)) µs a snapshot "
                + "(\(grouped(snapshotsMerged / merged.seconds)) snapshots/s)")
        }

        printTable("Live merge: snapshots of 50 blades a tick, \(typesPerSnapshot) action types each (events represented by the merged snapshots)",
                   "types × events", mergeRows)
        print("")
        print("Merge cost: " + perSnapshot.joined(separator: "; "))
    }

    if runs("calls") {
        // `statistics()` through clif.BladeControl, with a snapshot of 5 × 1,000 events.
        let eventsPerSnapshot = typesPerSnapshot * 1_000
        let canned = snapshot(types: typesPerSnapshot, eventsPerType: 1_000, seed: 7)
        let json = try JSONEncoder().encode(canned).count
        let emptyJSON = try JSONEncoder().encode(BladeSnapshot(state: .running, interval: IntervalStatistics(second: 0))).count
        let blade = try await makeCannedBlade(canned)
        var callRows: [Row] = []
        func pair(_ label: String, _ control: any BladeControl, tasks: Int = 1) async throws -> (Measured, Measured) {
            // Warm-up, then the empty call (the baseline), then statistics().
            _ = try await timedCalls(tasks: tasks, budget: min(0.3, phaseSeconds)) { _ = try await control.statistics() }
            let empty = try await timedCalls(tasks: tasks) { _ = try await control.state() }
            let full = try await timedCalls(tasks: tasks) {
                let snapshot = try await control.statistics()
                if snapshot.interval.actions.count != typesPerSnapshot { throw BenchmarkError("a snapshot came back without its action types") }
            }
            callRows.append(Row(path: "`state()` (empty call), \(label)", batch: "\(tasks)", result: empty, ratio: "1.0"))
            callRows.append(Row(path: "**`statistics()`, \(label)**", batch: "\(tasks)", result: full,
                                ratio: ratio(full.perSecond, empty.perSecond, "empty call")))
            return (empty, full)
        }
        // Analysis: the JSON coding of the snapshot alone.
        let snapshotJSON = try JSONEncoder().encode(canned)
        let encodes = try await timedCalls { _ = try JSONEncoder().encode(canned) }
        let decodes = try await timedCalls {
            if try JSONDecoder().decode(BladeSnapshot.self, from: snapshotJSON).interval.actions.count != typesPerSnapshot { throw BenchmarkError("decoding lost action types") }
        }
        callRows.append(Row(path: "JSON encoding of the snapshot alone (analysis)", batch: "1", result: encodes, ratio: "—"))
        callRows.append(Row(path: "JSON decoding of the snapshot alone (analysis)", batch: "1", result: decodes, ratio: "—"))
        let local = try blade.interface(named: "control").callable(as: (any BladeControl).self)
        _ = try await pair("in process", local)
        let exports = ExportTable()
        try exports.export(blade.interface(named: "control"), as: "/bench/blade#control")
        let loopback = try remoteProxy((any BladeControl).self, exportedAs: "/bench/blade#control", over: LoopbackChannel(exports))
        _ = try await pair("serialising path, no network", loopback)

        let nodes = try await NodePair("blade")
        let remoteBlade = try await makeCannedBlade(canned)
        try nodes.server.host(remoteBlade, at: "/bench/blade")
        let probe = SizeProbe(nodes.peer)
        let remote = try remoteProxy((any BladeControl).self, exportedAs: "/bench/blade#control", over: probe)
        _ = try await remote.statistics()
        let replyFrame = probe.lastReply + frameOverhead
        _ = try await pair("TCP", remote)
        _ = try await pair("TCP", remote, tasks: inFlight)
        // A supervisor's look over TCP: fetch a snapshot, merge it under the lock.
        let live = Mutex(IntervalStatistics(second: 0))
        let fetched = try await timedCalls(tasks: inFlight) {
            let snapshot = try await remote.statistics()
            live.withLock { $0.add(snapshot.interval) }
        }
        let mergedEvents = live.withLock { $0.total.calls + $0.total.errors }
        guard mergedEvents == UInt64(fetched.count * eventsPerSnapshot) else {
            throw BenchmarkError("\(fetched.count) snapshots fetched, \(mergedEvents) events merged")
        }
        await nodes.shutdown()
        try await blade.lifeCycleController.stop()

        printTable("`statistics()` round trips through clif.BladeControl, a snapshot of \(typesPerSnapshot) × 1,000 events (calls a second)",
                   "in flight", callRows)
        print("")
        print("Snapshot size: \(grouped(Double(json))) bytes of JSON (\(typesPerSnapshot) action types; "
            + "\(grouped(Double(emptyJSON))) bytes without any), a reply frame of \(grouped(Double(replyFrame))) bytes over TCP")
        let fullRate = Double(fetched.count) / fetched.seconds
        print("Fetched over TCP and merged, \(inFlight) in flight: \(grouped(fullRate)) snapshots/s = "
            + "\(grouped(fullRate * Double(eventsPerSnapshot))) events/s merged live (at \(grouped(Double(eventsPerSnapshot))) events a snapshot), "
            + "CPU \(formatted(fetched.cores, digits: 2)) cores")
    }
}.value
