import ClifStorage
import Fractal
import Foundation

/// Storage shards' folders read without their nodes: after a test, copy (or mount) the
/// shards' folders on one machine and read a run back from them, merged and de-duplicated,
/// as a plain CLIF report directory.
public enum ShardFolders {
    /// The runs the folders hold, oldest first (by the date in the run's name when it has
    /// one, as `clif run --shards` names runs).
    public static func runs(in folders: [String]) throws -> [String] {
        let runs = Set(try folders.flatMap { try StorageShard(directory: $0).runs() })
        return runs.sorted { (date(of: $0) ?? 0, $0) < (date(of: $1) ?? 0, $1) }
    }

    /// Writes run `run` (default: the latest) of the shards in `folders` as a CLIF report
    /// directory under `directory`; returns the run, its run folder and what reading found.
    public static func export(_ folders: [String], run: String? = nil, to directory: String) async throws -> (run: String, runFolder: String, outcome: ShardReadOutcome) {
        for folder in folders where !FileManager.default.fileExists(atPath: folder) {
            throw ShardStoreError("no shard folder \(folder)")
        }
        let runs = try runs(in: folders)
        guard let chosen = run ?? runs.last else { throw ShardStoreError("the shard folders hold no run (\(folders.joined(separator: ", ")))") }
        guard runs.contains(chosen) else { throw ShardStoreError("the shard folders hold no run '\(chosen)'; they hold: \(runs.joined(separator: ", "))") }
        let registry = Registry()
        registry.register(ShardStoreProxy.self)
        let reader = Multicast<any ShardStore>("shards")
        let client = try Component.primitive("reader", type: ComponentType([
            InterfaceType(name: "shards", signature: ShardStoreProxy.self, role: .client, cardinality: .multicast)]), content: ReaderContent(reader), registry: registry)
        var shards: [Component] = []
        for (index, folder) in folders.enumerated() {
            let shard = try Component.primitive("shard-\(index)", type: ComponentType([
                InterfaceType(name: "store", signature: ShardStoreProxy.self, role: .server)]), content: try StorageShard(directory: folder), registry: registry)
            try client.bindingController.bind("shards", to: shard.interface(named: "store"))
            shards.append(shard)
        }
        for component in shards + [client] { try await component.lifeCycleController.start() }
        defer { withExtendedLifetime(shards) {} }
        let replicas = ShardReplicas(reader, replicas: 1, writeQuorum: 1, timeout: .seconds(60))
        var runFolder = ""
        let outcome = try await ShardedStorage.writeReport(run: chosen, through: replicas, directory: directory, repair: false) { runFolder = $0 }
        for component in shards + [client] { try? await component.lifeCycleController.stop() }
        return (chosen, runFolder, outcome)
    }

    private static func date(of run: String) -> Int? {
        let parts = run.split(separator: "-")
        return parts.count >= 3 ? Int(parts[parts.count - 2]) : nil
    }

    private final class ReaderContent: Sendable {
        let shards: Multicast<any ShardStore>
        init(_ shards: Multicast<any ShardStore>) { self.shards = shards }
    }
}
