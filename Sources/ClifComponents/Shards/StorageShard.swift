import ClifStorage
import Fractal
import Synchronization

/// The content of a storage shard (`ADL/clif/StorageShard.fractal`): records of test runs in
/// an embedded store under `directory` on its node's disk — the append-only log (`engine`
/// `log`, the default) or SQLite (`sqlite`) — acknowledged once durable (`durability`
/// `fsync`, the default, or `process`). See `docs/storage.md`.
public final class StorageShard: ShardStore, LifeCycleAware {
    public let name = Attribute("name", "shard")
    public let directory = Attribute("directory", "clif-shards/shard")
    public let engine = Attribute("engine", "log")
    public let durability = Attribute("durability", "fsync")
    public let capacity = Attribute("capacity", 1.0)
    public let node = Attribute("node", "")
    public let site = Attribute("site", "")

    private let store = Mutex<(any ShardEngine)?>(nil)

    public init() {}

    /// A shard over `directory`, open at once: how `clif report --shards` reads a shard's
    /// folder without a node.
    public convenience init(directory: String, engine: String = "log") throws {
        self.init()
        self.directory.value = directory
        self.engine.value = engine
        _ = try opened()
    }

    public static func register(in registry: Registry = .shared) {
        registry.register(ShardStoreProxy.self)
        registry.registerContent("clif.StorageShard") { StorageShard() }
    }

    public func describe() async throws -> ShardInfo {
        ShardInfo(name: name.value, node: node.value.isEmpty ? name.value : node.value, site: site.value,
                  capacity: capacity.value, engine: engine.value, durability: durability.value)
    }

    public func put(_ run: String, _ records: [UInt8]) async throws -> Int {
        let decoded = try RecordCodec.decodeRecords(records)
        return try opened().put(decoded, run: run)
    }

    public func index(_ run: String) async throws -> [UInt8] {
        RecordCodec.encode(try opened().index(run: run))
    }

    public func fetch(_ run: String, _ ids: [String], _ maxBytes: Int) async throws -> [UInt8] {
        RecordCodec.encode(try opened().records(run: run, ids: ids, maxBytes: maxBytes))
    }

    /// The runs the shard holds.
    public func runs() throws -> [String] { try opened().runs() }

    public func started() async throws {
        _ = try opened()
    }

    public func stopped() async {
        close()
    }

    /// Closes the store; the next call opens it again.
    public func close() {
        store.withLock { store in
            store?.close()
            store = nil
        }
    }

    private func opened() throws -> any ShardEngine {
        try store.withLock { store in
            if let store { return store }
            guard let durability = Durability(rawValue: durability.value) else {
                throw ShardStoreError("shard '\(name.value)': durability '\(self.durability.value)' is not one of \(Durability.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let opened: any ShardEngine
            switch engine.value {
            case "log": opened = try LogShardEngine(directory: directory.value, durability: durability)
            case "sqlite": opened = try SQLiteShardEngine(directory: directory.value, durability: durability)
            default: throw ShardStoreError("shard '\(name.value)': engine '\(engine.value)' is not one of log, sqlite")
            }
            store = opened
            return opened
        }
    }
}
