import ClifStorage
import Fractal

/// What reading a run back through its shards found.
public struct ShardReadOutcome: Sendable {
    /// Records read (each once, whichever shards held it).
    public var records = 0
    /// Copies written back to shards that should have held them, by shard.
    public var repaired: [String: Int] = [:]
    /// Shards that could not be read (or repaired), and why.
    public var unreadable: [String: String] = [:]
    /// Records no readable shard could give.
    public var lost: [String] = []

    /// A few lines for people: what was read, repaired, set aside, lost.
    public func summary(run: String) -> String {
        var lines = ["run \(run): \(records) records read back through the shards"]
        for (shard, count) in repaired.sorted(by: { $0.key < $1.key }) { lines.append("repaired: \(count) copies written to \(shard), which lacked them") }
        for (shard, reason) in unreadable.sorted(by: { $0.key < $1.key }) { lines.append("set aside: \(shard): \(reason)") }
        if !lost.isEmpty { lines.append("lost: \(lost.count) records no shard could give (\(lost.prefix(5).joined(separator: ", "))\(lost.count > 5 ? ", …" : ""))") }
        return lines.joined(separator: "\n") + "\n"
    }
}

extension ShardReplicas {
    typealias ReadOutcome = ShardReadOutcome

    /// Reads every record of `run` back through the shards, merged and de-duplicated, in
    /// report order (``RunRecord/order``), handing each to `deliver`. A shard that fails,
    /// stalls or answers garbage is left for the others that hold the same records. With
    /// `repair`, every record is also written to the shards of its key's home that lack it
    /// (a shard that came back after missing writes), so that each ends with `replicas` copies.
    func read(run: String, repair: Bool, chunkBytes: Int = 4 << 20,
              _ deliver: (RunRecord) throws -> Void) async throws -> ReadOutcome {
        var outcome = ReadOutcome()
        var members = await self.members()
        let indexes = await withTaskGroup(of: (String, Result<[ShardIndexEntry], any Error>).self) { group in
            for member in members {
                group.addTask { [timeout] in
                    do {
                        let bytes = try await withDeadline(timeout, "shard \(member.name)") { try await member.server.index(run) }
                        return (member.name, .success(try RecordCodec.decodeIndex(bytes)))
                    } catch {
                        return (member.name, .failure(error))
                    }
                }
            }
            var indexes: [String: Result<[ShardIndexEntry], any Error>] = [:]
            for await (name, index) in group { indexes[name] = index }
            return indexes
        }
        var holders: [String: (key: String, shards: [String])] = [:]
        var firstSeen: [String] = []
        for member in members {
            switch indexes[member.name]! {
            case .success(let entries):
                for entry in entries {
                    if holders[entry.id] == nil { firstSeen.append(entry.id) }
                    holders[entry.id, default: (entry.key, [])].shards.append(member.name)
                }
            case .failure(let error):
                outcome.unreadable[member.name] = "\(error)"
            }
        }
        members.removeAll { outcome.unreadable[$0.name] != nil }
        let byName = Dictionary(uniqueKeysWithValues: members.map { ($0.name, $0) })

        // Small records first (everything but events), so that their dates can order them.
        let eventIDs = firstSeen.filter { $0.hasPrefix("events:") }, otherIDs = firstSeen.filter { !$0.hasPrefix("events:") }
        var others: [RunRecord] = []
        try await fetch(otherIDs, run: run, holders: holders, members: byName, chunkBytes: chunkBytes, repair: repair, outcome: &outcome) { others.append($0) }
        others.sort { $0.order < $1.order }
        for record in others where record.order.0 < 2 { try deliver(record) }
        let sortedEvents = eventIDs.sorted { Self.eventOrder($0) < Self.eventOrder($1) }
        try await fetch(sortedEvents, run: run, holders: holders, members: byName, chunkBytes: chunkBytes, repair: repair, outcome: &outcome, deliver)
        for record in others where record.order.0 >= 2 { try deliver(record) }
        return outcome
    }

    /// `events:<sequence>:<blade>` in report order: by blade, then sequence.
    private static func eventOrder(_ id: String) -> (String, Int) {
        let parts = id.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        return parts.count == 3 ? (String(parts[2]), Int(parts[1]) ?? 0) : (id, 0)
    }

    private func fetch(_ ids: [String], run: String, holders: [String: (key: String, shards: [String])], members: [String: Member],
                       chunkBytes: Int, repair: Bool, outcome: inout ReadOutcome, _ deliver: (RunRecord) throws -> Void) async throws {
        var failed: Set<String> = []
        var done: Set<String> = []
        var repairs = Repairs()
        // Shards that were asked for an id and did not give it.
        var missing: [String: Set<String>] = [:]
        var position = 0
        while position < ids.count {
            let first = ids[position]
            if done.contains(first) {
                position += 1
                continue
            }
            // The next run of ids one shard can give, from the first of the first id's holders.
            guard let source = holders[first]?.shards.first(where: { members[$0] != nil && !failed.contains($0) && missing[first]?.contains($0) != true }) else {
                outcome.lost.append(first)
                position += 1
                continue
            }
            var chunk: [String] = []
            var next = position
            while next < ids.count && chunk.count < 512, holders[ids[next]]?.shards.contains(source) == true {
                if !done.contains(ids[next]) { chunk.append(ids[next]) }
                next += 1
            }
            let records: [ShardRecord]
            let decoded: [RunRecord]
            do {
                let bytes = try await withDeadline(timeout, "shard \(source)") { [chunk] in try await members[source]!.server.fetch(run, chunk, chunkBytes) }
                records = try RecordCodec.decodeRecords(bytes)
                let asked = Set(chunk)
                guard records.allSatisfy({ asked.contains($0.id) }) else { throw ShardFormatError("asked for \(chunk.count) records, it gave others") }
                decoded = try records.map(RunRecord.init)
            } catch {
                // Another holder gives these; this shard is not asked again in this read.
                failed.insert(source)
                outcome.unreadable[source] = "\(error)"
                continue
            }
            for (record, runRecord) in zip(records, decoded) where !done.contains(record.id) {
                try deliver(runRecord)
                done.insert(record.id)
                outcome.records += 1
                if repair {
                    await repairCopies(of: record, run: run, holders: holders[record.id]!.shards, members: members, failed: failed,
                                       repairs: &repairs, outcome: &outcome)
                }
            }
            if !done.contains(first) { missing[first, default: []].insert(source) }
        }
        for shard in repairs.pending.keys.sorted() { await flush(shard, run: run, members: members, repairs: &repairs, outcome: &outcome) }
    }

    /// Copies to write back, by shard, sent a megabyte at a time.
    struct Repairs {
        var pending: [String: [ShardRecord]] = [:]
        var bytes: [String: Int] = [:]
    }

    private func repairCopies(of record: ShardRecord, run: String, holders: [String], members: [String: Member], failed: Set<String>,
                              repairs: inout Repairs, outcome: inout ReadOutcome) async {
        let homes = homes(forKey: record.key, among: members.values.filter { !failed.contains($0.name) }.sorted { $0.name < $1.name })
        for home in homes where !holders.contains(home.name) {
            repairs.pending[home.name, default: []].append(record)
            repairs.bytes[home.name, default: 0] += record.payload.count
            if repairs.bytes[home.name]! >= 1 << 20 { await flush(home.name, run: run, members: members, repairs: &repairs, outcome: &outcome) }
        }
    }

    func flush(_ shard: String, run: String, members: [String: Member], repairs: inout Repairs, outcome: inout ReadOutcome) async {
        guard let records = repairs.pending.removeValue(forKey: shard), let member = members[shard] else { return }
        repairs.bytes[shard] = 0
        let encoded = RecordCodec.encode(records)
        if (try? await withDeadline(timeout, "shard \(shard)") { try await member.server.put(run, encoded) }) != nil {
            outcome.repaired[shard, default: 0] += records.count
        } else {
            outcome.unreadable[shard] = outcome.unreadable[shard] ?? "repair failed"
        }
    }
}
