import ArgumentParser
import ClifComponents
import FractalRemote

/// `clif run PLAN.ctp --shards …`: the test's results go to replicated storage shards.
struct ShardOptions: ParsableArguments {
    @Option(help: ArgumentHelp("With a test plan: store the results in storage shards on these servers (virtual nodes of the deployment, or 'local host'), comma-separated, one shard each.", valueName: "servers"))
    var shards: String?

    @Option(help: "With --shards: copies of each record, on shards of distinct servers.")
    var replicas = 2

    @Option(name: .customLong("write-quorum"), help: "With --shards: copies stored before a batch is acknowledged (0: all the replicas).")
    var writeQuorum = 0

    @Option(name: .customLong("shard-directory"), help: "With --shards: each shard's folder is DIR/shard-<n> on its node.")
    var shardDirectory = "clif-shards"

    @Option(name: .customLong("shard-interval"), help: ArgumentHelp("With --shards: a blade's events of this long a stretch of the test share a key, and so their shards (10s, 500ms).", valueName: "duration"))
    var shardInterval = DurationArgument(argument: "10s")!

    @Option(name: .customLong("shard-engine"), help: "With --shards: the shards' store, log (an append-only log) or sqlite.")
    var shardEngine = "log"

    @Option(name: .customLong("shard-durability"), help: "With --shards: acknowledge once on disk (fsync) or once written (process: survives kill -9 of the shard's process, not a crash of its machine).")
    var shardDurability = "fsync"

    /// The sharding of a test named `test` deployed with `deployment`, or nil without
    /// `--shards`. Each shard's node and site are its server's in the deployment.
    func sharding(test: String, deployment: DeploymentDescriptor) -> TestArchitecture.Sharding? {
        guard let shards else { return nil }
        let servers = shards.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let nodes = deployment.virtualNodes.mapValues(\.nodeName)
        return TestArchitecture.Sharding(servers: servers, replicas: replicas, writeQuorum: writeQuorum, run: TestArchitecture.Sharding.runName(test: test),
                                         directory: shardDirectory, engine: shardEngine, durability: shardDurability,
                                         nodes: nodes, sites: deployment.sites, interval: max(1, Int((shardInterval.seconds * 1000).rounded())))
    }
}
