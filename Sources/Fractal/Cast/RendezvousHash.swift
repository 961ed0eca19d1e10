#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Highest-random-weight hashing: a key goes to the candidate with the highest hash(key, candidate).
///
/// Deterministic across processes (FNV-1a, not Swift's seeded `Hasher`), and removing a
/// candidate moves only the keys it had.
public enum RendezvousHash {
    /// The index in `candidates` that `key` goes to. `candidates` must not be empty.
    public static func pick(key: String, among candidates: [String]) -> Int {
        precondition(!candidates.isEmpty, "rendezvous hashing needs at least one candidate")
        var best = 0
        var bestWeight: UInt64 = 0
        for (index, candidate) in candidates.enumerated() {
            let weight = mix(fnv1a(candidate, seed: fnv1a(key)))
            if index == 0 || weight > bestWeight {
                best = index
                bestWeight = weight
            }
        }
        return best
    }

    /// The index in `candidates` that `key` goes to, each candidate taking keys in proportion to
    /// its weight (a shard's capacity): the highest `weight / -ln(u)`, with `u` the key's hash
    /// against the candidate taken into (0, 1). Equal weights choose as ``pick(key:among:)``;
    /// adding or removing a candidate, or changing its weight, moves only keys to or from it.
    public static func pick(key: String, among candidates: [String], weights: [Double]) -> Int {
        precondition(!candidates.isEmpty && candidates.count == weights.count, "one weight per candidate, and at least one candidate")
        let keyHash = fnv1a(key)
        var best = 0
        var bestScore = -Double.infinity
        for index in candidates.indices where weights[index] > 0 {
            let score = weights[index] / -log(unit(mix(fnv1a(candidates[index], seed: keyHash))))
            if score > bestScore {
                best = index
                bestScore = score
            }
        }
        return best
    }

    /// Every candidate's index, in `key`'s order of preference: the first is ``pick(key:among:weights:)``'s
    /// choice, the next is where the key goes when the first is gone, and so on. Candidates
    /// of weight 0 come last. Without weights, every candidate weighs 1.
    public static func ranked(key: String, among candidates: [String], weights: [Double]? = nil) -> [Int] {
        precondition(weights == nil || weights!.count == candidates.count, "one weight per candidate")
        let keyHash = fnv1a(key)
        return candidates.indices
            .map { index -> (Int, Double) in
                let weight = weights?[index] ?? 1
                return (index, weight > 0 ? weight / -log(unit(mix(fnv1a(candidates[index], seed: keyHash)))) : -Double.infinity)
            }
            .sorted { $0.1 > $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }
            .map(\.0)
    }

    /// A hash taken into the open interval (0, 1).
    static func unit(_ hash: UInt64) -> Double {
        (Double(hash >> 11) + 0.5) / Double(UInt64(1) << 53)
    }

    /// The `k` best candidates for `key`, best first.
    public static func top(_ k: Int, key: String, among candidates: [String]) -> [Int] {
        let keyHash = fnv1a(key)
        return candidates.indices
            .map { ($0, mix(fnv1a(candidates[$0], seed: keyHash))) }
            .sorted { $0.1 > $1.1 }
            .prefix(k)
            .map(\.0)
    }

    static func fnv1a(_ string: String, seed: UInt64 = 0xcbf2_9ce4_8422_2325) -> UInt64 {
        var hash = seed
        for byte in string.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x100_0000_01b3
        }
        return hash
    }

    /// A finaliser (splitmix64) so that nearby inputs give unrelated weights.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9e37_79b9_7f4a_7c15
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
