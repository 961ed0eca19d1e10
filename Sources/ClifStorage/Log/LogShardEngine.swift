import Foundation
import Synchronization

/// The append-only log store: a folder holding one ``ShardLog`` file per run
/// (`<run>.shardlog`), each indexed in memory when first used.
///
/// A put appends all its new records in one write; with ``Durability/fsync`` it then waits
/// for a `fdatasync` that covers them, which concurrent puts share (whoever syncs first
/// syncs for all that were written before it).
public final class LogShardEngine: ShardEngine {
    public let directory: String
    public let durability: Durability
    static let fileExtension = "shardlog"

    private struct State {
        var logs: [String: ShardLog] = [:]
        var closed = false
    }

    private let state = Mutex(State())
    /// One sync at a time per engine; the others wait and usually find their bytes synced.
    private let syncing = Mutex(())

    /// Opens (or creates) the store in `directory`.
    public init(directory: String, durability: Durability = .fsync) throws(ShardStoreError) {
        self.directory = directory
        self.durability = durability
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw ShardStoreError("cannot make the shard folder \(directory): \(error.localizedDescription)")
        }
    }

    /// Bytes cut from damaged log ends when they were opened, by run.
    public var repairedBytes: [String: Int] {
        state.withLock { state in state.logs.filter { $0.value.repairedBytes > 0 }.mapValues(\.repairedBytes) }
    }

    public func put(_ records: [ShardRecord], run: String) throws -> Int {
        let (log, added, mustSync) = try state.withLock { state throws -> (ShardLog, Int, Int) in
            let log = try Self.log(run, in: &state, directory: directory)
            let (added, mustSync) = try log.append(records)
            return (log, added, mustSync)
        }
        if durability == .fsync, log.syncedEnd.load(ordering: .acquiring) < mustSync {
            try syncing.withLock { _ throws in
                guard log.syncedEnd.load(ordering: .acquiring) < mustSync else { return }
                let target = state.withLock { _ in log.end }
                try log.syncToDisk()
                log.syncedEnd.store(target, ordering: .releasing)
            }
        }
        return added
    }

    public func index(run: String) throws -> [ShardIndexEntry] {
        try state.withLock { state in
            guard let log = try Self.existingLog(run, in: &state, directory: directory) else { return [] }
            return log.order.map { id in
                let place = log.places[id]!
                return ShardIndexEntry(id: id, key: place.key, size: place.length)
            }
        }
    }

    public func records(run: String, ids: [String], maxBytes: Int) throws -> [ShardRecord] {
        try state.withLock { state in
            guard let log = try Self.existingLog(run, in: &state, directory: directory) else { return [] }
            var records: [ShardRecord] = []
            var bytes = 0
            for id in ids {
                guard let place = log.places[id] else { continue }
                if !records.isEmpty && bytes + place.length > maxBytes { break }
                if let record = try log.record(id) { records.append(record) }
                bytes += place.length
            }
            return records
        }
    }

    public func runs() throws -> [String] {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: directory) } catch {
            throw ShardStoreError("cannot list the shard folder \(directory): \(error.localizedDescription)")
        }
        return names.filter { $0.hasSuffix("." + Self.fileExtension) }
            .compactMap { RunFileName.run(of: String($0.dropLast(Self.fileExtension.count + 1))) }
            .sorted()
    }

    public func close() {
        let logs = state.withLock { state -> [ShardLog] in
            state.closed = true
            defer { state.logs = [:] }
            return Array(state.logs.values)
        }
        for log in logs { try? log.syncToDisk() }
    }

    private static func path(of run: String, directory: String) -> String {
        directory + "/" + RunFileName.file(of: run) + "." + fileExtension
    }

    private static func log(_ run: String, in state: inout State, directory: String) throws(ShardStoreError) -> ShardLog {
        guard !state.closed else { throw ShardStoreError("the shard store in \(directory) is closed") }
        guard !run.isEmpty else { throw ShardStoreError("a record without a run") }
        if let log = state.logs[run] { return log }
        let log = try ShardLog(path: path(of: run, directory: directory))
        state.logs[run] = log
        return log
    }

    /// The run's log if it has one (reading never creates a file).
    private static func existingLog(_ run: String, in state: inout State, directory: String) throws(ShardStoreError) -> ShardLog? {
        if let log = state.logs[run] { return log }
        guard FileManager.default.fileExists(atPath: path(of: run, directory: directory)) else { return nil }
        return try log(run, in: &state, directory: directory)
    }
}
