/// The embedded store behind a storage shard, holding the records of many runs on one
/// node's disk.
///
/// Contract: ``put(_:run:)`` returns once the new records are as durable as the store's
/// ``Durability`` says, and a record whose id the run already holds is not stored again
/// (the call still waits for that earlier copy to be durable). Methods may be called from
/// any thread, concurrently.
public protocol ShardEngine: Sendable {
    /// Stores `records` under `run`; returns how many were new.
    func put(_ records: [ShardRecord], run: String) throws -> Int
    /// Every record of `run`, in the order they were stored, without payloads.
    func index(run: String) throws -> [ShardIndexEntry]
    /// The records of `run` with these ids, in the order asked, stopping before the total
    /// payload would pass `maxBytes` (but always at least one). Unknown ids are skipped.
    func records(run: String, ids: [String], maxBytes: Int) throws -> [ShardRecord]
    /// The runs it holds records of.
    func runs() throws -> [String]
    /// Flushes and closes the files; later calls fail.
    func close()
}

/// When a shard's acknowledgement may come.
public enum Durability: String, Sendable, CaseIterable {
    /// After the records are on disk (`fdatasync`): they survive the machine's crash or a
    /// power cut. Concurrent puts share one sync (group commit).
    case fsync
    /// After the records are written to the system: they survive `kill -9` of the shard's
    /// process, not a crash of its machine.
    case process
}
