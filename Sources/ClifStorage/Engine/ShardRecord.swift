/// What a shard stores: an opaque payload filed under a run, a placement key and an id.
///
/// The shard does not read the payload. The `key` says which shards hold the record (the
/// run's placement: test run, blade, interval); the `id` makes a put idempotent, so a batch
/// sent again after a lost acknowledgement is stored once.
public struct ShardRecord: Sendable, Hashable {
    public var key: String
    public var id: String
    public var payload: [UInt8]

    public init(key: String, id: String, payload: [UInt8]) {
        self.key = key
        self.id = id
        self.payload = payload
    }
}

/// A record as a shard's index lists it, without its payload.
public struct ShardIndexEntry: Sendable, Hashable {
    public var id: String
    public var key: String
    public var size: Int

    public init(id: String, key: String, size: Int) {
        self.id = id
        self.key = key
        self.size = size
    }
}
