import ClifCore
import ClifStorage
import Fractal
import Synchronization

/// The content of a shard router (`ADL/clif/ShardRouter.fractal`): beside a blade, on its
/// node, it takes the storage proxy's batches and stores each on `replicas` storage shards
/// reached through its multicast interface `shards`, by key (the blade and the batch's
/// interval of the test), acknowledging once `writeQuorum` (0: all `replicas`) have stored it.
///
/// A shard that fails or stalls past `timeout` ms is replaced by the next of the key's
/// shards; the router records it as an alarm of its blade (dated by the batch that met it),
/// and again when the shard is back or when fewer than `replicas` copies could be made.
public final class ShardRouter: StorageWrite {
    /// The test run the records belong to (the same for every router and the sharded storage).
    public let run = Attribute("run", "")
    public let replicas = Attribute("replicas", 2)
    public let writeQuorum = Attribute("writeQuorum", 0)
    /// Milliseconds of the test a key covers: a blade's batches of one interval go together.
    public let interval = Attribute("interval", 10_000)
    public let timeout = Attribute("timeout", 5_000)
    public let shards = Multicast<any ShardStore>("shards")

    private struct Alarms {
        var number = 0
        /// Alarms not yet stored (their write failed, or they wait for the next batch).
        var pending: [RunRecord] = []
    }

    private let replicated = Mutex<ShardReplicas?>(nil)
    private let alarms = Mutex(Alarms())

    public init() {}

    public static func register(in registry: Registry = .shared) {
        registry.register(StorageWriteProxy.self)
        registry.register(ShardStoreProxy.self)
        registry.registerContent("clif.ShardRouter") { ShardRouter() }
    }

    public func store(_ blade: String, _ batch: EventBatch, sequence: Int) async throws {
        guard !run.value.isEmpty else { throw ShardConfigurationError("shard router: no run is set (its `run` attribute)") }
        let replicas = replicaSet()
        let record = try RunRecord.events(blade: blade, sequence: sequence, batch).shardRecord(interval: Int64(max(1, interval.value)))
        let date = batch.actions.last?.date ?? batch.probes.last?.date ?? 0
        do {
            _ = try await replicas.write([record], key: record.key, run: run.value)
        } catch {
            note(replicas.takeIncidents(), blade: blade, date: date)
            throw error
        }
        note(replicas.takeIncidents(), blade: blade, date: date)
        await storeAlarms(replicas)
    }

    private func replicaSet() -> ShardReplicas {
        replicated.replicaSet(shards, replicas: replicas, writeQuorum: writeQuorum, timeout: timeout)
    }

    private func note(_ incidents: [ShardReplicas.Incident], blade: String, date: Int64) {
        guard !incidents.isEmpty else { return }
        alarms.withLock { alarms in
            for incident in incidents {
                alarms.number += 1
                alarms.pending.append(.alarm(blade: blade, source: "router", number: alarms.number, incident.alarm(at: date)))
            }
        }
    }

    /// Stores the pending alarms, each under its own key; those that fail wait for the next batch.
    private func storeAlarms(_ replicas: ShardReplicas) async {
        let pending = alarms.withLock { alarms in
            defer { alarms.pending = [] }
            return alarms.pending
        }
        var failed: [RunRecord] = []
        for alarm in pending {
            guard let record = try? alarm.shardRecord() else { continue }
            do { _ = try await replicas.write([record], key: record.key, run: run.value) } catch { failed.append(alarm) }
        }
        if !failed.isEmpty { alarms.withLock { $0.pending = failed + $0.pending } }
    }
}

extension ShardReplicas.Incident {
    func alarm(at date: Int64) -> Alarm {
        switch self {
        case .shardDown(let shard, let reason): Alarm(date: date, severity: 2, message: "storage shard \(shard) lost: \(reason); its keys go to the next shards")
        case .shardBack(let shard): Alarm(date: date, severity: 1, message: "storage shard \(shard) is back")
        case .underReplicated(let stored, let wanted): Alarm(date: date, severity: 2, message: "replication fell below \(wanted): a batch was stored on \(stored) shard(s)")
        case .replicated: Alarm(date: date, severity: 1, message: "replication is back to its factor")
        }
    }
}

/// A sharded storage component configured so that it cannot work (no run, no shard).
public struct ShardConfigurationError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
