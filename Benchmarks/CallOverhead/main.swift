import Fractal
import Synchronization

// Cost of one call through the membrane, against the same call made directly on the content.
//
//   swift run -c release CallOverhead [iterations]
//
// Every measurement runs in this process, one after the other, on a detached task (off the main
// actor, whose thread hops would dominate), and reports the best of several rounds.

@Interface("bench.Counter")
protocol Counter: Sendable {
    func add(_ amount: Int) async throws -> Int
}

final class CounterImpl: Counter {
    private let total = Atomic<Int>(0)
    func add(_ amount: Int) async throws -> Int {
        total.wrappingAdd(amount, ordering: .relaxed).newValue
    }
}

/// A call that does a few microseconds of work: what the membrane's cost is relative to
/// when methods do something.
final class ChecksumCounter: Counter {
    private let data = (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 31) }
    func add(_ amount: Int) async throws -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in data { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return Int(truncatingIfNeeded: hash) &+ amount
    }
}

actor CounterActor: Counter {
    private var total = 0
    func add(_ amount: Int) async throws -> Int {
        total += amount
        return total
    }
}

/// Counts calls; the lightest interceptor that does something.
final class CountingInterceptor: Interceptor {
    let calls = Atomic<Int>(0)
    func intercept(_ invocation: Invocation, proceed: () async throws -> any Sendable) async throws -> any Sendable {
        calls.wrappingAdd(1, ordering: .relaxed)
        return try await proceed()
    }
}

/// A client primitive: calls go through its `Client` port, as component code makes them.
final class Caller: Sendable {
    let counter = Client<any Counter>("counter")
}

let iterations = CommandLine.arguments.dropFirst().first.flatMap { Int($0) } ?? 1_000_000
let rounds = 5

func measure(_ iterations: Int = iterations, _ body: @escaping @Sendable () async throws -> Void) async throws -> Double {
    try await Task.detached {
        for _ in 0..<(iterations / 10) { try await body() }
        var best = Double.infinity
        for _ in 0..<rounds {
            let start = ContinuousClock.now
            for _ in 0..<iterations { try await body() }
            let elapsed = ContinuousClock.now - start
            let nanoseconds = Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
            best = min(best, nanoseconds / Double(iterations))
        }
        return best
    }.value
}

func makeBound(_ content: any Counter, interceptor: (any Interceptor)? = nil) async throws -> (Caller, Component) {
    let counterType = InterfaceType(name: "counter", signature: CounterProxy.self, role: .server)
    let server = try Component.primitive("server", type: ComponentType([counterType]), content: content)
    let caller = Caller()
    let client = try Component.primitive(
        "client",
        type: ComponentType([InterfaceType(name: "counter", signature: CounterProxy.self, role: .client)]),
        content: caller)
    try client.bindingController.bind("counter", to: server.interface(named: "counter"))
    if let interceptor { try server.interceptorController.add(interceptor) }
    try await server.lifeCycleController.start()
    try await client.lifeCycleController.start()
    return (caller, server)
}

func report(_ rows: [(String, Double)], baseline: Double) {
    print("| call | ns/call | ratio to direct |")
    print("|---|---:|---:|")
    for (label, ns) in rows {
        print("| \(label) | \(formatted(ns)) | \(formatted(ns / baseline, digits: 2))× |")
    }
}

func formatted(_ value: Double, digits: Int = 1) -> String {
    let scale = (0..<digits).reduce(1.0) { acc, _ in acc * 10 }
    return "\((value * scale).rounded() / scale)"
}

print("CallOverhead: \(iterations) calls per round, best of \(rounds) rounds")
let contents: [(String, @Sendable () -> any Counter)] = [
    ("class content, trivial method", { CounterImpl() }),
    ("actor content, trivial method", { CounterActor() }),
    ("class content, method doing ~4 µs of work (a 4 KiB checksum)", { ChecksumCounter() }),
]
for (name, make) in contents {
    let content = make()
    let direct = try await measure() { _ = try await content.add(1) }
    let (plain, _) = try await makeBound(make())
    let bound = try await measure() { _ = try await plain.counter().add(1) }
    let (intercepted, _) = try await makeBound(make(), interceptor: CountingInterceptor())
    let oneInterceptor = try await measure() { _ = try await intercepted.counter().add(1) }

    let (_, exportedServer) = try await makeBound(make())
    let exports = ExportTable()
    try exports.export(exportedServer.interface(named: "counter"), as: "counter")
    let remote = try remoteProxy((any Counter).self, exportedAs: "counter", over: LoopbackChannel(exports))
    let serialising = try await measure(max(1, iterations / 100)) { _ = try await remote.add(1) }

    print("\n\(name):")
    report([
        ("direct call on the content", direct),
        ("through a plain binding", bound),
        ("through one interceptor", oneInterceptor),
        ("through the in-memory serialising path", serialising),
    ], baseline: direct)
}
