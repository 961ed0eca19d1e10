import ClifCore
import ClifHTTP
import ClifScenario
import Fractal
import NIOPosix
import Synchronization

/// The content of an injector component (`ADL/clif/Injector.fractal`): runs the ISAC scenario
/// its `scenario` attribute names, with the scenario's load profile, or `users` sessions, or
/// `rate` arrivals per second for `duration` seconds; sends its events through its `events`
/// client interface, when bound, a batch every quarter of a second.
///
/// Used alone through ``InjectorControl/run()``, or in a blade through ``Insert``.
public final class Injector: InjectorControl, Insert {
    public let scenario = Attribute("scenario", "")
    /// Closed model: this many sessions (0: the scenario's own profile).
    public let users = Attribute("users", 0)
    /// Open model: arrivals per second (0: none).
    public let rate = Attribute("rate", 0.0)
    /// Seconds of load with `users` or `rate`; a cap on the scenario's profile otherwise (0: none).
    public let duration = Attribute("duration", 0.0)
    public let threads = Attribute("threads", 1)
    public let events = Client<any EventSink>("events")
    /// The test's Synchro blade, for the `Synchro` plug-in.
    public let synchro = Client<any SynchroLocks>("synchro")

    /// How often events go to the collector while the load runs.
    static let forwardingPeriod: Duration = .milliseconds(250)

    private struct Run {
        var group: MultiThreadedEventLoopGroup?
        var engine: LoadEngine?
        var task: Task<RunStatistics, any Error>?
    }

    private let current = Mutex(Run())

    public init() {}

    /// Registers the content class and the interfaces under the names the ADL uses.
    public static func register(in registry: Registry = .shared) {
        registry.register(InjectorControlProxy.self)
        registry.register(InsertProxy.self)
        registry.register(EventSinkProxy.self)
        registry.register(SynchroLocksProxy.self)
        registry.registerContent("clif.Injector") { Injector() }
    }

    // MARK: InjectorControl

    public func run() async throws -> RunStatistics {
        _ = try await prepare()
        try await start()
        return try await finish()
    }

    // MARK: Insert

    public func prepare() async throws -> [EventType] {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, threads.value))
        do {
            let engine = try makeEngine(on: group)
            current.withLock { $0 = Run(group: group, engine: engine) }
            return [.action]
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    public func start() async throws {
        let engine = try current.withLock { run -> LoadEngine in
            guard let engine = run.engine, run.task == nil else { throw ScenarioError("the injector is not prepared, or already started") }
            return engine
        }
        let sink = events.isBound ? try events() : nil
        let task = Task { try await Self.drive(engine, forwardingTo: sink) }
        current.withLock { $0.task = task }
    }

    public func suspend() async throws { await current.withLock { $0.engine }?.suspend() }
    public func resume() async throws { current.withLock { $0.engine }?.resume() }
    public func stop() async throws { current.withLock { $0.engine }?.stop() }

    public func scaleLoad(_ factor: Double) async throws {
        guard let engine = current.withLock({ $0.engine }) else { throw ScenarioError("the injector is not prepared") }
        try engine.scaleLoad(to: factor)
    }

    public func join() async throws { _ = try await finish() }

    /// Waits for the run started by ``start()``, then lets its threads go.
    private func finish() async throws -> RunStatistics {
        guard let task = current.withLock({ $0.task }) else { throw ScenarioError("the injector was not started") }
        let outcome = await task.result
        let group = current.withLock { run -> MultiThreadedEventLoopGroup? in
            defer { run.group = nil }
            return run.group
        }
        try? await group?.shutdownGracefully()
        return try outcome.get()
    }

    private func makeEngine(on group: MultiThreadedEventLoopGroup) throws -> LoadEngine {
        let plugins = PluginRegistry()
        HTTPInjectorPlugin.register(in: plugins, group: group)
        plugins.register(SynchroPlugin(locks: synchro.isBound ? try synchro() : nil))
        let compiled = try ISAC.compile(file: scenario.value, plugins: plugins)
        guard let requested = LoadProfile.requested(
            behavior: compiled.behaviorIDs.first ?? "", users: users.value > 0 ? users.value : nil, rate: rate.value > 0 ? rate.value : nil,
            duration: duration.value > 0 ? duration.value : nil, groups: compiled.scenario.groups) else {
            throw ScenarioError("\(scenario.value) has no load profile: set the injector's users or rate attribute")
        }
        let (profile, limit) = requested
        return try LoadEngine(scenario: compiled, profile: profile, clock: EventLoopClock(fallback: group.next()),
                              options: EngineOptions(executors: HTTPInjectorPlugin.executors(of: group), timeLimit: limit, keepsEvents: events.isBound,
                                                     rescalable: true))
    }

    /// Runs the load; while it runs, hands the events to `sink` a batch each period, and the
    /// rest at the end.
    private static func drive(_ engine: LoadEngine, forwardingTo sink: (any EventSink)?) async throws -> RunStatistics {
        guard let sink else { return await engine.run() }
        /// The events since the previous batch; `dropped` counts those already sent.
        @Sendable func batch(after dropped: UInt64) -> (EventBatch, UInt64) {
            let now = engine.recorder.dropped
            return (EventBatch(actions: engine.recorder.drainEvents(), alarms: engine.recorder.drainAlarms(),
                               dropped: now - dropped, activeSessions: engine.activeSessions), now)
        }
        let forwarder = Task {
            var dropped: UInt64 = 0
            while !Task.isCancelled {
                try? await Task.sleep(for: forwardingPeriod)
                let next: EventBatch
                (next, dropped) = batch(after: dropped)
                try await sink.receive(next)
            }
            return dropped
        }
        let statistics = await engine.run()
        forwarder.cancel()
        var (rest, _) = batch(after: try await forwarder.value)
        rest.activeSessions = 0
        try await sink.receive(rest)
        return statistics
    }
}
