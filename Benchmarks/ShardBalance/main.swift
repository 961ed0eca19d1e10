// Key-based division over storage shards: rendezvous hashing (Fractal's `RendezvousHash`, the
// `byKey` multicast policy) against the baseline of `hash % shards`, in one run:
//
//   balance  10 shards, 1,000,000 keys: the most and least loaded shard against the mean
//   remove   one shard removed: the share of keys that move (goal ≤ 1/10 + 1 %)
//   add      an 11th shard: the share of keys that move (ideal 1/11)
//   weights  one shard of capacity 2 among nine of 1: its share (ideal 2/11)
//
//   swift run -c release ShardBalance [keys]
import Fractal
import Foundation

let count = CommandLine.arguments.dropFirst().first.flatMap { Int($0) } ?? 1_000_000
let keys = (0..<count).map { "run-7/blade-\($0 % 13)/interval-\($0)" }
let shards = (0..<10).map { "shard-\($0)" }

/// The baseline: FNV-1a of the key, modulo the number of shards.
func modulo(_ key: String, _ shards: [String]) -> Int {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in key.utf8 {
        hash ^= UInt64(byte)
        hash &*= 0x100_0000_01b3
    }
    return Int(hash % UInt64(shards.count))
}

func rendezvous(_ key: String, _ shards: [String]) -> Int { RendezvousHash.pick(key: key, among: shards) }

func balance(_ pick: (String, [String]) -> Int) -> (max: Double, min: Double) {
    var loads = [Int](repeating: 0, count: shards.count)
    for key in keys { loads[pick(key, shards)] += 1 }
    let mean = Double(count) / Double(shards.count)
    return (Double(loads.max()!) / mean, Double(loads.min()!) / mean)
}

func moved(_ pick: (String, [String]) -> Int, from before: [String], to after: [String]) -> Double {
    var moved = 0
    for key in keys where before[pick(key, before)] != after[pick(key, after)] { moved += 1 }
    return Double(moved) / Double(count)
}

func percent(_ value: Double) -> String { String(format: "%.2f %%", value * 100) }

let start = Date()
print("\(count) keys over \(shards.count) shards")
for (name, pick) in [("rendezvous", rendezvous as (String, [String]) -> Int), ("hash % n  ", modulo)] {
    let (most, least) = balance(pick)
    var fewer = shards
    fewer.remove(at: 4)
    let removed = moved(pick, from: shards, to: fewer)
    let added = moved(pick, from: shards, to: shards + ["shard-10"])
    print("  \(name)  max/mean \(String(format: "%.3f", most))  min/mean \(String(format: "%.3f", least))  one removed: \(percent(removed)) moved  one added: \(percent(added)) moved")
}
let removedRendezvous = { () -> Double in var fewer = shards; fewer.remove(at: 4); return moved(rendezvous, from: shards, to: fewer) }()
let removedModulo = { () -> Double in var fewer = shards; fewer.remove(at: 4); return moved(modulo, from: shards, to: fewer) }()
print("  keys moved when a shard leaves: rendezvous / hash % n = \(String(format: "%.3f", removedRendezvous / removedModulo)) (goal for rendezvous ≤ 11 %: \(removedRendezvous <= 0.11 ? "met" : "not met"))")

var weighted = [Int](repeating: 0, count: shards.count)
let weights = [2.0] + Array(repeating: 1.0, count: 9)
for key in keys { weighted[RendezvousHash.pick(key: key, among: shards, weights: weights)] += 1 }
print("  weights 2,1,…,1: shard-0 takes \(percent(Double(weighted[0]) / Double(count))) of the keys (ideal \(percent(2.0 / 11.0)))")
print(String(format: "  %.1f s", Date().timeIntervalSince(start)))
