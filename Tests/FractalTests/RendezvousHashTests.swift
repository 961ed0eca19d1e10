import Fractal
import Testing

/// Key-based division as the storage shards use it: 10 shards, 100,000 keys (a shard's share
/// varies by about 1 % of the mean at that count). `swift run -c release ShardBalance` shows
/// the same over 1,000,000 keys.
///
/// CPU-bound: one test at a time, each giving its thread up every 1,000 keys, so that the
/// suites beside it (whose handshakes and heartbeats run on the same two pool threads) go on.
@Suite(.serialized) struct RendezvousHashTests {
    static let shards = (0..<10).map { "shard-\($0)" }
    static let keys = (0..<100_000).map { "run-7/blade-\($0 % 13)/interval-\($0)" }

    static func loads(_ shards: [String], weights: [Double]? = nil) async -> [Int] {
        var loads = [Int](repeating: 0, count: shards.count)
        for (number, key) in keys.enumerated() {
            if number % 1_000 == 0 { await Task.yield() }
            let index = weights.map { RendezvousHash.pick(key: key, among: shards, weights: $0) } ?? RendezvousHash.pick(key: key, among: shards)
            loads[index] += 1
        }
        return loads
    }

    @Test func tenShardsShareTheKeysWithinTenPercentOfTheMean() async {
        let loads = await Self.loads(Self.shards)
        let mean = Double(Self.keys.count) / Double(Self.shards.count)
        #expect(Double(loads.max()!) / mean <= 1.1, "\(loads)")
        #expect(Double(loads.min()!) / mean >= 0.9, "\(loads)")
    }

    @Test func removingAShardMovesOnlyItsKeys() async {
        var remaining = Self.shards
        remaining.remove(at: 4)
        var moved = 0
        var movedFromElsewhere = 0
        for (number, key) in Self.keys.enumerated() {
            if number % 1_000 == 0 { await Task.yield() }
            let before = Self.shards[RendezvousHash.pick(key: key, among: Self.shards)]
            let after = remaining[RendezvousHash.pick(key: key, among: remaining)]
            if before != after {
                moved += 1
                if before != "shard-4" { movedFromElsewhere += 1 }
            }
        }
        #expect(movedFromElsewhere == 0)
        #expect(Double(moved) <= Double(Self.keys.count) * (0.1 + 0.01), "\(moved) keys moved")
        #expect(moved > 0)
    }

    @Test func aShardTakesKeysInProportionToItsWeight() async {
        // shard-0 has twice the capacity of each other: 2/11 of the keys.
        let weights = [2.0] + Array(repeating: 1.0, count: 9)
        let loads = await Self.loads(Self.shards, weights: weights)
        let share = Double(loads[0]) / Double(Self.keys.count)
        #expect(abs(share - 2.0 / 11.0) < 0.01, "\(loads)")
        let others = loads.dropFirst().map { Double($0) / (Double(Self.keys.count) / 11) }
        #expect(others.allSatisfy { $0 > 0.9 && $0 < 1.1 }, "\(loads)")
    }

    @Test func equalWeightsChooseAsTheUnweightedPickAndOrderDoesNotMatter() async {
        let reversed = Array(Self.shards.reversed())
        for (number, key) in Self.keys.prefix(5_000).enumerated() {
            if number % 1_000 == 0 { await Task.yield() }
            let plain = Self.shards[RendezvousHash.pick(key: key, among: Self.shards)]
            #expect(Self.shards[RendezvousHash.pick(key: key, among: Self.shards, weights: Array(repeating: 3, count: 10))] == plain)
            #expect(reversed[RendezvousHash.pick(key: key, among: reversed)] == plain)
        }
    }

    @Test func aPreferenceListStartsWithThePickAndKeepsItsOrderWhenAShardGoes() async {
        let weights = (0..<10).map { Double(1 + $0 % 3) }
        let without = Self.shards.filter { $0 != "shard-4" }
        for (number, key) in Self.keys.prefix(5_000).enumerated() {
            if number % 1_000 == 0 { await Task.yield() }
            let ranked = RendezvousHash.ranked(key: key, among: Self.shards, weights: weights)
            #expect(ranked.count == 10 && Set(ranked).count == 10)
            #expect(ranked[0] == RendezvousHash.pick(key: key, among: Self.shards, weights: weights))
            #expect(Self.shards[RendezvousHash.ranked(key: key, among: Self.shards)[0]] == Self.shards[RendezvousHash.pick(key: key, among: Self.shards)])
            // Losing a shard leaves the others in the same order: a key's fallback is the next
            // of its own list, on every client.
            let rankedWithout = RendezvousHash.ranked(key: key, among: without).map { without[$0] }
            #expect(rankedWithout == RendezvousHash.ranked(key: key, among: Self.shards).map { Self.shards[$0] }.filter { $0 != "shard-4" })
        }
    }
}
