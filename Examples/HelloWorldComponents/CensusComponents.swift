import Fractal
import Foundation

/// `census.Surveyor`: serves `survey` through its multicast client `probes`; run, it prints
/// what each dispatch returned.
final class SurveyorImpl: Survey, Runnable {
    let probes = Multicast<any Probe>("probes")

    func broadcast(_ work: Int) async throws -> [Measurement] {
        try await probes.invoke(.broadcast) { try await $0.measure(work) }
    }

    func roundRobin(_ calls: Int) async throws -> [String] {
        var names: [String] = []
        for _ in 0..<calls { names += try await probes.invoke(.roundRobin) { try await $0.name() } }
        return names
    }

    func byKey(_ keys: [String]) async throws -> [String] {
        var names: [String] = []
        for key in keys { names += try await probes.invoke(.byKey(key)) { try await $0.name() } }
        return names
    }

    func scatter(_ works: [Int]) async throws -> [Measurement] {
        try await probes.scatter(works) { try await $0.measure($1) }
    }

    func report(_ values: [Int]) async throws -> [Int] {
        try await probes.scatter(values) { try await $0.report($1) }
    }

    func run() async throws {
        let measured = try await broadcast(200)
        let first = measured.map(\.started).max() ?? 0, last = measured.map(\.ended).min() ?? 0
        print("broadcast: \(measured.map(\.probe).joined(separator: ", "))\(first < last ? ", all at once" : "")")
        print("round robin: \(try await roundRobin(measured.count * 2).joined(separator: ", "))")
        print("by key: \(try await byKey(["alpha", "beta", "gamma", "delta"]).joined(separator: ", "))")
        let values = (1...measured.count).map { $0 * 10 }
        print("gathercast: probes reported \(values), each heard of \(try await report(values)) from the others")
    }
}

/// `census.Probe`: named by its `label` attribute; reports through its client `tally`.
final class ProbeImpl: Probe {
    let label = Attribute("label", "probe")
    let tally = Client<any Tally>("tally")

    func measure(_ work: Int) async throws -> Measurement {
        let started = Date().timeIntervalSince1970
        try await Task.sleep(for: .milliseconds(max(0, work)))
        return Measurement(probe: label.value, work: work, started: started, ended: Date().timeIntervalSince1970)
    }

    func name() async throws -> String { label.value }

    func report(_ value: Int) async throws -> Int { try await tally().add(value) }
}

/// `census.Tally`: the gathercast receiver; each caller gets the sum of the others' values.
final class TallyImpl: GathercastReceiver {
    func gather(_ calls: GatheredCalls) async throws -> [any Sendable] {
        let values = try calls.calls.map { try $0.argument(0, as: Int.self) }
        let total = values.reduce(0, +)
        return values.map { total - $0 }
    }
}
