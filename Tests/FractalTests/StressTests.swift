@testable import Fractal
import Synchronization
import Testing

// MARK: - Helpers (prefixed `Stress` so they don't clash with other test files)

/// Serves Service by calling the Service its client interface `s` is bound to.
final class StressRelay: Service {
    let s = Client<any Service>("s")

    func print(_ message: String) async throws { try await s().print(message) }
    func echo(_ value: Int) async throws -> Int { try await s().echo(value) }
}

/// Echoes, and counts the calls it served.
final class StressEchoServer: Service {
    private let served = Atomic<Int>(0)
    var count: Int { served.load(ordering: .acquiring) }

    func print(_ message: String) async throws {}

    func echo(_ value: Int) async throws -> Int {
        served.wrappingAdd(1, ordering: .acquiringAndReleasing)
        return value
    }
}

/// What the workers and the reconfiguring task tell each other.
final class StressProgress: Sendable {
    let finishedWorkers = Atomic<Int>(0)
    let cycles = Atomic<Int>(0)
    let reconfigurationOver = Atomic<Bool>(false)
}

/// What one worker saw.
struct StressWorkerReport: Sendable {
    var returned = 0
    var problems: [String] = []
}

// MARK: - Tests

@Suite struct StressTests {
    static let workers = 50
    static let callsPerWorker = 100
    /// Workers hold back so that the server is switched about this many times during the run.
    static let targetCycles = 100
    static let maxCycles = 300

    @Test(.timeLimit(.minutes(1)))
    func concurrentCallsSurviveRepeatedStopUnbindRebindAndRestart() async throws {
        let relay = try Component.primitive(
            "stressRelay", type: ComponentType([World.serverType("r"), World.clientType("s")]), content: StressRelay())
        let contents = [StressEchoServer(), StressEchoServer()]
        let servers = try contents.enumerated().map { index, content in
            try Component.primitive("stressServer\(index)", type: ComponentType([World.serverType("s")]), content: content)
        }
        try relay.bindingController.bind("s", to: servers[0].interface(named: "s"))
        try await servers[0].lifeCycleController.start()
        try await relay.lifeCycleController.start()
        let entry = try relay.interface(named: "r").callable(as: (any Service).self)
        let progress = StressProgress()

        let reconfiguration = Task { () async throws -> Int in
            defer { progress.reconfigurationOver.store(true, ordering: .releasing) }
            return try await Self.reconfigure(relay: relay, servers: servers, contents: contents, progress: progress)
        }

        let reports = await withTaskGroup(of: StressWorkerReport.self) { group in
            for worker in 0..<Self.workers {
                group.addTask { await Self.work(worker, calling: entry, progress: progress) }
            }
            return await group.reduce(into: [StressWorkerReport]()) { $0.append($1) }
        }
        let cycles = try await reconfiguration.value

        let problems = reports.flatMap(\.problems)
        #expect(problems.isEmpty, "\(problems.count) calls went wrong, first: \(problems.prefix(5))")
        #expect(reports.map(\.returned).reduce(0, +) == Self.workers * Self.callsPerWorker)
        #expect(cycles >= Self.targetCycles - 1, "the server was switched only \(cycles) times")
        #expect(contents[0].count > 0, "the first server served no call")
        #expect(contents[1].count > 0, "the second server served no call")
        #expect(contents[0].count + contents[1].count == Self.workers * Self.callsPerWorker,
                "servers served \(contents.map(\.count)) calls for \(Self.workers * Self.callsPerWorker) made")
        #expect(relay.lifeCycleController.state == .started)
    }

    /// Makes `callsPerWorker` calls, each with its own argument. Call `k` is made once the server
    /// was switched `k * targetCycles / callsPerWorker` times, so that calls and switches interleave
    /// all along the run (calls are so fast that they would otherwise all be over after a switch or two).
    private static func work(_ worker: Int, calling entry: any Service, progress: StressProgress) async -> StressWorkerReport {
        var report = StressWorkerReport()
        for call in 0..<callsPerWorker {
            let needed = call * targetCycles / callsPerWorker
            while progress.cycles.load(ordering: .acquiring) < needed && !progress.reconfigurationOver.load(ordering: .acquiring) {
                try? await Task.sleep(for: .milliseconds(1))
            }
            let argument = worker * 1_000_000 + call
            do {
                let result = try await entry.echo(argument)
                if result == argument {
                    report.returned += 1
                } else {
                    report.problems.append("echo(\(argument)) returned \(result)")
                }
            } catch {
                report.problems.append("echo(\(argument)) threw \(error)")
            }
        }
        progress.finishedWorkers.wrappingAdd(1, ordering: .acquiringAndReleasing)
        return report
    }

    /// Stops the relay and its server, rebinds the relay to the other server, restarts both;
    /// after each switch, waits until the new server served a call (or the workers are done).
    /// Returns the number of switches.
    private static func reconfigure(
        relay: Component, servers: [Component], contents: [StressEchoServer], progress: StressProgress
    ) async throws -> Int {
        func workersDone() -> Bool { progress.finishedWorkers.load(ordering: .acquiring) == workers }
        func waitUntilServed(_ index: Int, moreThan count: Int) async {
            while contents[index].count <= count && !workersDone() {
                try? await Task.sleep(for: .milliseconds(1))
            }
        }

        var current = 0
        var cycles = 0
        await waitUntilServed(0, moreThan: 0)
        while !workersDone() && cycles < maxCycles {
            try await relay.lifeCycleController.stop()
            try await servers[current].lifeCycleController.stop()
            try relay.bindingController.unbind("s")
            current = 1 - current
            try relay.bindingController.bind("s", to: servers[current].interface(named: "s"))
            try await servers[current].lifeCycleController.start()
            let before = contents[current].count
            try await relay.lifeCycleController.start()
            cycles += 1
            progress.cycles.store(cycles, ordering: .releasing)
            await waitUntilServed(current, moreThan: before)
        }
        return cycles
    }
}
