import ClifStorage
import Fractal
import Foundation
import Synchronization

/// The storage shards a component reaches through its multicast interface, as a replicated
/// store: where a key's copies go, writes that go on to the next shard when one fails,
/// which shards are down, and what changed (for the report's alarms).
///
/// Placement: the shards in the key's rendezvous order (weighted by capacity), taken so that
/// no two copies share a node, nor a site while other sites remain. A write goes to the
/// first `replicas` shards that are not known to be down; each that fails or does not answer
/// within `timeout` is marked down for `retryAfter` and replaced by the next in the key's
/// list, so a lost shard's keys go on to the shards that follow it. The write is acknowledged
/// once `writeQuorum` copies are stored.
final class ShardReplicas: Sendable {
    struct Member: Sendable {
        var name: String
        var server: any ShardStore
        var info: ShardInfo?
        /// Where copies must not meet: the node, and the site (the node when none is given).
        var node: String { info?.node ?? name }
        var site: String { info.map { $0.site.isEmpty ? $0.node : $0.site } ?? name }
    }

    /// Something a report should say: a shard lost or back, replication below R and back.
    enum Incident: Sendable, Equatable {
        case shardDown(String, reason: String)
        case shardBack(String)
        case underReplicated(stored: Int, wanted: Int)
        case replicated
    }

    let shards: Multicast<any ShardStore>
    let replicas: Int
    let writeQuorum: Int
    let timeout: Duration
    let retryAfter: Duration

    private struct State {
        var info: [String: ShardInfo] = [:]
        var downUntil: [String: ContinuousClock.Instant] = [:]
        var underReplicated = false
        var incidents: [Incident] = []
    }

    private let state = Mutex(State())

    init(_ shards: Multicast<any ShardStore>, replicas: Int, writeQuorum: Int, timeout: Duration, retryAfter: Duration = .seconds(2)) {
        self.shards = shards
        self.replicas = max(1, replicas)
        self.writeQuorum = writeQuorum <= 0 ? max(1, replicas) : min(writeQuorum, max(1, replicas))
        self.timeout = timeout
        self.retryAfter = retryAfter
    }

    /// Incidents since the last call, oldest first.
    func takeIncidents() -> [Incident] {
        state.withLock { state in
            defer { state.incidents = [] }
            return state.incidents
        }
    }

    /// The bound shards, described. A shard that does not answer is marked down and asked
    /// again once it is due, so that a dead shard does not hold every write for its timeout.
    func members() async -> [Member] {
        let servers = zip(shards.serverNames, shards.servers).map { ($0, $1) }
        let now = ContinuousClock.now
        let (known, resting) = state.withLock { state in (state.info, Set(state.downUntil.filter { $0.value > now }.keys)) }
        if servers.allSatisfy({ known[$0.0] != nil || resting.contains($0.0) }) {
            return servers.map { Member(name: $0.0, server: $0.1, info: known[$0.0]) }
        }
        return await withTaskGroup(of: Member.self) { group in
            for (name, server) in servers {
                group.addTask { [timeout] in
                    if let info = known[name] { return Member(name: name, server: server, info: info) }
                    if resting.contains(name) { return Member(name: name, server: server, info: nil) }
                    do {
                        let info = try await withDeadline(timeout, "shard \(name)") { try await server.describe() }
                        return Member(name: name, server: server, info: info)
                    } catch {
                        self.markDown(name, reason: "\(error)")
                        return Member(name: name, server: server, info: nil)
                    }
                }
            }
            var members: [Member] = []
            for await member in group { members.append(member) }
            let described = members.compactMap { member in member.info.map { (member.name, $0) } }
            state.withLock { state in for (name, info) in described { state.info[name] = info } }
            let order = Dictionary(uniqueKeysWithValues: servers.enumerated().map { ($1.0, $0) })
            return members.sorted { order[$0.name]! < order[$1.name]! }
        }
    }

    /// `members` in `key`'s order of placement: the first ``replicas`` are its home copies.
    func placement(forKey key: String, among members: [Member]) -> [Member] {
        let byName = Dictionary(uniqueKeysWithValues: members.map { ($0.name, $0) })
        let weights = Dictionary(uniqueKeysWithValues: members.map { ($0.name, $0.info?.capacity ?? 1) })
        let ranked = shards.preferenceList(forKey: key, weights: weights).compactMap { byName[$0.name] }
        var chosen: [Member] = []
        var rest = ranked
        // New sites first, then new nodes; the shards that would share a node come last.
        for distinct in [\Member.site, \Member.node] {
            var index = 0
            while chosen.count < replicas && index < rest.count {
                if !chosen.contains(where: { $0[keyPath: distinct] == rest[index][keyPath: distinct] }) {
                    chosen.append(rest.remove(at: index))
                } else {
                    index += 1
                }
            }
        }
        return chosen + rest
    }

    /// The shards `key`'s copies belong on, among those that are up: the first ``replicas``
    /// on distinct nodes.
    func homes(forKey key: String, among members: [Member]) -> [Member] {
        var homes: [Member] = []
        for member in placement(forKey: key, among: members) where homes.count < replicas {
            if !homes.contains(where: { $0.node == member.node }) { homes.append(member) }
        }
        return homes
    }

    struct WriteOutcome: Sendable {
        var stored: [String]
        var failures: [(shard: String, reason: String)]
    }

    /// Stores `records` (all of one key) on `replicas` shards; returns which.
    ///
    /// - Throws: ``StorageUnavailable`` when fewer than `writeQuorum` shards stored them.
    func write(_ records: [ShardRecord], key: String, run: String, members: [Member]? = nil) async throws -> WriteOutcome {
        var known = members
        if known == nil { known = await self.members() }
        let members = known!
        let encoded = RecordCodec.encode(records)
        let now = ContinuousClock.now
        let down = state.withLock { state in Set(state.downUntil.filter { $0.value > now }.keys) }
        let ordered = placement(forKey: key, among: members)
        // Shards known to be down are tried last, if the others are not enough.
        var candidates = ordered.filter { !down.contains($0.name) } + ordered.filter { down.contains($0.name) }
        var stored: [Member] = []
        var failures: [(shard: String, reason: String)] = []
        while stored.count < replicas {
            var round: [Member] = []
            var index = 0
            while round.count < replicas - stored.count && index < candidates.count {
                let candidate = candidates[index]
                if !(stored + round).contains(where: { $0.node == candidate.node }) {
                    round.append(candidates.remove(at: index))
                } else {
                    index += 1
                }
            }
            if round.isEmpty { break }
            let results = await withTaskGroup(of: (Member, Result<Int, any Error>).self) { group in
                for member in round {
                    group.addTask { [timeout] in
                        do {
                            let added = try await withDeadline(timeout, "shard \(member.name)") { try await member.server.put(run, encoded) }
                            return (member, .success(added))
                        } catch {
                            return (member, .failure(error))
                        }
                    }
                }
                var results: [(Member, Result<Int, any Error>)] = []
                for await result in group { results.append(result) }
                return results
            }
            for (member, result) in results {
                switch result {
                case .success:
                    stored.append(member)
                    markUp(member.name)
                case .failure(let error):
                    failures.append((member.name, "\(error)"))
                    markDown(member.name, reason: "\(error)")
                }
            }
        }
        state.withLock { state in
            let under = stored.count < replicas
            if under != state.underReplicated {
                state.underReplicated = under
                state.incidents.append(under ? .underReplicated(stored: stored.count, wanted: replicas) : .replicated)
            }
        }
        guard stored.count >= writeQuorum else {
            throw StorageUnavailable(key: key, stored: stored.map(\.name), needed: writeQuorum, failures: failures)
        }
        return WriteOutcome(stored: stored.map(\.name), failures: failures)
    }

    private func markDown(_ name: String, reason: String) {
        state.withLock { state in
            if state.downUntil[name] == nil { state.incidents.append(.shardDown(name, reason: reason)) }
            state.downUntil[name] = .now + retryAfter
        }
    }

    private func markUp(_ name: String) {
        state.withLock { state in
            if state.downUntil.removeValue(forKey: name) != nil { state.incidents.append(.shardBack(name)) }
        }
    }
}

/// Too few shards stored a write: says which did and why the others did not.
public struct StorageUnavailable: Error, CustomStringConvertible {
    public var key: String
    public var stored: [String]
    public var needed: Int
    public var failures: [(shard: String, reason: String)]

    public var description: String {
        let reasons = failures.map { "\($0.shard): \($0.reason)" }.joined(separator: "; ")
        return "the records of key '\(key)' were stored on \(stored.count) shard(s), \(needed) needed"
            + (stored.isEmpty ? "" : " (\(stored.joined(separator: ", ")))") + (reasons.isEmpty ? "" : " — \(reasons)")
    }
}

extension Mutex where Value == ShardReplicas? {
    /// The replica set kept here, made on first use from a component's attributes (read then,
    /// once the component is configured and started).
    func replicaSet(
        _ shards: Multicast<any ShardStore>, replicas: Attribute<Int>, writeQuorum: Attribute<Int>, timeout: Attribute<Int>
    ) -> ShardReplicas {
        withLock { replicated in
            if let replicated { return replicated }
            let made = ShardReplicas(shards, replicas: replicas.value, writeQuorum: writeQuorum.value, timeout: .milliseconds(max(1, timeout.value)))
            replicated = made
            return made
        }
    }
}
