import BenchmarkSupport
import ClifCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// CPU cost of CLIF's system probes: what sampling takes from the machine it measures.
//
//   swift run -c release ProbeOverhead [samples]
//
// Each probe (and all four together) samples `samples` times in a tight loop; the process's CPU
// time (user + system, getrusage(RUSAGE_SELF)) over the loop, divided by the count, is the cost
// of one sample. At a period P, a probe costs (cost of one sample) / P of one core. Two
// baselines run the same count in the same process: an empty loop (the measuring's own cost)
// and reading one small /proc file (/proc/loadavg: the cost of a system call into procfs),
// against which each probe's cost is given as a ratio. Each figure is the best of 5 rounds.
// A last line samples the four probes as a blade would, every 100 ms for 2 s (caches cold),
// against reading /proc/loadavg paced the same way.

let samples = CommandLine.arguments.dropFirst().first.flatMap { Int($0) } ?? 20_000
let rounds = 5
let clock = SystemClock()

/// CPU nanoseconds per call: in all, and in the kernel (procfs writing the file's text).
struct Cost {
    var total: Double
    var system: Double
}

/// CPU time per call of `body`, best of `rounds` rounds of `samples` calls.
func measure(_ body: (Int) throws -> Void) rethrows -> Cost {
    var best = Cost(total: .infinity, system: 0)
    for _ in 0..<rounds {
        let start = processCPUTime()
        for index in 0..<samples { try body(index) }
        let end = processCPUTime()
        let total = Double(end.user - start.user + end.system - start.system) / Double(samples)
        if total < best.total { best = Cost(total: total, system: Double(end.system - start.system) / Double(samples)) }
    }
    return best
}

/// Keeps the optimiser from removing what a loop computes.
@inline(never) func consume(_ value: Int) { if value == -1 { print("") } }

/// Reads a small /proc file whole, as a sampler reads its file.
func readSmallFile() -> Int {
    let descriptor = open("/proc/loadavg", O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { return 0 }
    defer { close(descriptor) }
    var buffer = [UInt8](repeating: 0, count: 256)
    var total = 0
    while true {
        let got = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress!, $0.count) }
        if got <= 0 { break }
        total += got
    }
    return total
}

func microseconds(_ nanoseconds: Double) -> String {
    let value = nanoseconds / 1_000
    return value < 10 ? String(Double(Int(value * 100)) / 100) : String(Double(Int(value * 10)) / 10)
}

func percent(_ value: Double) -> String {
    value < 0.01 ? String(Double(Int(value * 10_000)) / 10_000) : String(Double(Int(value * 1_000)) / 1_000)
}

let empty = measure { consume($0) }
let smallFile = measure { _ in consume(readSmallFile()) }

var rows: [(String, Cost)] = []
for name in ProbeSamplers.classNames {
    var sampler = try ProbeSamplers.sampler(forClass: name, at: clock.now())
    rows.append((name, try measure { _ in consume(try sampler.sample(at: clock.now()).count) }))
}
var all = try ProbeSamplers.classNames.map { try ProbeSamplers.sampler(forClass: $0, at: clock.now()) }
rows.append(("all four", try measure { _ in
    var count = 0
    for index in all.indices { count += try all[index].sample(at: clock.now()).count }
    consume(count)
}))

// The same four samples as a probe blade takes them: one round every 100 ms, so that caches
// have gone cold in between; CPU time is read around each round only. The baseline, paced the
// same way, reads /proc/loadavg once a round.
func paced(_ body: () throws -> Void) rethrows -> Cost {
    let count = 20
    var cost = Cost(total: 0, system: 0)
    for _ in 0..<count {
        usleep(100_000)
        let start = processCPUTime()
        try body()
        let end = processCPUTime()
        cost.total += Double(end.user - start.user + end.system - start.system) / Double(count)
        cost.system += Double(end.system - start.system) / Double(count)
    }
    return cost
}
let pacedSmallFile = paced { consume(readSmallFile()) }
let pacedAll = try paced {
    for index in all.indices { consume(try all[index].sample(at: clock.now()).count) }
}
rows.append(("all four, one round each 100 ms", pacedAll))

print("\(samples) samples a round, best of \(rounds) rounds; CPU time from getrusage(RUSAGE_SELF)")
print("baseline: empty loop \(Int(empty.total.rounded())) ns, reading /proc/loadavg \(microseconds(smallFile.total)) µs per call, \(microseconds(pacedSmallFile.total)) µs once each 100 ms")
print("")
print("| probe | CPU per sample | of which in the kernel | × reading /proc/loadavg | % of a core at 1 s | % of a core at 100 ms |")
print("|---|---:|---:|---:|---:|---:|")
for (name, cost) in rows {
    let baseline = name.hasSuffix("100 ms") ? pacedSmallFile.total : smallFile.total
    let ratio = baseline > 0 ? String(Double(Int(cost.total / baseline * 10)) / 10) + "×" : "—"
    print("| \(name) | \(microseconds(cost.total)) µs | \(microseconds(cost.system)) µs | \(ratio) | \(percent(cost.total / 1e9 * 100)) % | \(percent(cost.total / 1e8 * 100)) % |")
}
