import Fractal

/// The load-testing components, registered under the names `ADL/clif/` uses.
public enum ClifComponents {
    /// Registers every content class and interface of a CLIF test: injector, probe, blade
    /// adapter, data collector, storage proxy, file storage, storage shards with their routers and sharded storage, supervisor, Synchro locks, analyzer.
    public static func register(in registry: Registry = .shared) {
        Injector.register(in: registry)
        Probe.register(in: registry)
        BladeAdapter.register(in: registry)
        DataCollector.register(in: registry)
        StorageProxy.register(in: registry)
        FileStorage.register(in: registry)
        StorageShard.register(in: registry)
        ShardRouter.register(in: registry)
        ShardedStorage.register(in: registry)
        Supervisor.register(in: registry)
        SynchroServer.register(in: registry)
        Analyzer.register(in: registry)
    }
}
