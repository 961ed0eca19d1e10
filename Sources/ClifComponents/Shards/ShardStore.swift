import Fractal

/// A storage shard as its clients (shard routers, the sharded storage) call it. Records
/// travel as ``ClifStorage/RecordCodec`` bytes, sent as they are, so that a shard stores
/// a batch without decoding it.
@Interface("clif.ShardStore")
public protocol ShardStore: Sendable {
    /// What the shard is: its name, where it runs, how much it can take.
    func describe() async throws -> ShardInfo
    /// Stores the encoded records under `run`, once each by id; returns how many were new.
    /// Returns once they are durable (the shard's durability).
    func put(_ run: String, _ records: [UInt8]) async throws -> Int
    /// The encoded index of `run` (id, key and size of each record).
    func index(_ run: String) async throws -> [UInt8]
    /// The encoded records of `run` with these ids, up to `maxBytes` of payload (at least one).
    func fetch(_ run: String, _ ids: [String], _ maxBytes: Int) async throws -> [UInt8]
}

/// A storage shard as it describes itself.
public struct ShardInfo: Sendable, Codable, Hashable {
    public var name: String
    /// The node it runs on, and the site of that node: no two replicas of a record go to one
    /// node, nor to one site while there are others.
    public var node: String
    public var site: String
    /// Its share of the keys, relative to the other shards (1 by default).
    public var capacity: Double
    /// `log` or `sqlite`, and `fsync` or `process`.
    public var engine: String
    public var durability: String

    public init(name: String, node: String, site: String, capacity: Double, engine: String, durability: String) {
        self.name = name
        self.node = node
        self.site = site
        self.capacity = capacity
        self.engine = engine
        self.durability = durability
    }
}
