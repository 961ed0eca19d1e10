import Foundation
import GRDB

/// The SQLite store (through GRDB): one database file, `shard.sqlite`, in WAL mode, a table
/// of records keyed by run and id. ``Durability/fsync`` is `synchronous = FULL` (the WAL is
/// synced at every commit), ``Durability/process`` is `synchronous = OFF`.
///
/// Kept beside ``LogShardEngine`` as the measured alternative (`docs/storage.md` has both
/// on the same benchmark) and for users who want to query a shard with SQL.
public final class SQLiteShardEngine: ShardEngine {
    public let path: String
    public let durability: Durability
    private let queue: DatabaseQueue

    public init(directory: String, durability: Durability = .fsync) throws(ShardStoreError) {
        path = directory + "/shard.sqlite"
        self.durability = durability
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            var configuration = Configuration()
            configuration.journalMode = .wal
            let synchronous = durability == .fsync ? "FULL" : "OFF"
            configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = \(synchronous)") }
            queue = try DatabaseQueue(path: path, configuration: configuration)
            try queue.write { db in
                try db.execute(sql: """
                    CREATE TABLE IF NOT EXISTS record (
                        seq INTEGER PRIMARY KEY,
                        run TEXT NOT NULL,
                        id TEXT NOT NULL,
                        key TEXT NOT NULL,
                        payload BLOB NOT NULL,
                        UNIQUE (run, id))
                    """)
            }
        } catch {
            throw ShardStoreError("cannot open the shard database \(path): \(error)")
        }
    }

    public func put(_ records: [ShardRecord], run: String) throws -> Int {
        try wrap {
            try queue.write { db in
                let statement = try db.cachedStatement(sql: "INSERT OR IGNORE INTO record (run, id, key, payload) VALUES (?, ?, ?, ?)")
                var added = 0
                for record in records {
                    try statement.execute(arguments: [run, record.id, record.key, Data(record.payload)])
                    added += db.changesCount
                }
                return added
            }
        }
    }

    public func index(run: String) throws -> [ShardIndexEntry] {
        try wrap {
            try queue.read { db in
                try Row.fetchAll(db, sql: "SELECT id, key, length(payload) FROM record WHERE run = ? ORDER BY seq", arguments: [run])
                    .map { ShardIndexEntry(id: $0[0], key: $0[1], size: $0[2]) }
            }
        }
    }

    public func records(run: String, ids: [String], maxBytes: Int) throws -> [ShardRecord] {
        try wrap {
            try queue.read { db in
                let statement = try db.cachedStatement(sql: "SELECT key, payload FROM record WHERE run = ? AND id = ?")
                var records: [ShardRecord] = []
                var bytes = 0
                for id in ids {
                    guard let row = try Row.fetchOne(statement, arguments: [run, id]) else { continue }
                    let payload: Data = row[1]
                    if !records.isEmpty && bytes + payload.count > maxBytes { break }
                    records.append(ShardRecord(key: row[0], id: id, payload: [UInt8](payload)))
                    bytes += payload.count
                }
                return records
            }
        }
    }

    public func runs() throws -> [String] {
        try wrap { try queue.read { db in try String.fetchAll(db, sql: "SELECT DISTINCT run FROM record ORDER BY run") } }
    }

    public func close() {
        try? queue.close()
    }

    private func wrap<T>(_ body: () throws -> T) throws(ShardStoreError) -> T {
        do { return try body() } catch let error as ShardStoreError { throw error } catch {
            throw ShardStoreError("\(path): \(error)")
        }
    }
}
