import ClifCore
import ClifHTTP
import ClifScenario
import Fractal
import NIOPosix

/// The content of an injector component (`ADL/clif/Injector.fractal`): runs the ISAC scenario
/// its `scenario` attribute names, with the scenario's load profile, or `users` sessions, or
/// `rate` arrivals per second for `duration` seconds; sends its action events through its
/// `events` client interface when that is bound.
public final class Injector: InjectorControl {
    public let scenario = Attribute("scenario", "")
    /// Closed model: this many sessions (0: the scenario's own profile).
    public let users = Attribute("users", 0)
    /// Open model: arrivals per second (0: none).
    public let rate = Attribute("rate", 0.0)
    /// Seconds of load with `users` or `rate`; a cap on the scenario's profile otherwise (0: none).
    public let duration = Attribute("duration", 0.0)
    public let threads = Attribute("threads", 1)
    public let events = Client<any ActionSink>("events")

    public init() {}

    /// Registers the content class and the interfaces under the names the ADL uses.
    public static func register(in registry: Registry = .shared) {
        registry.register(InjectorControlProxy.self)
        registry.register(ActionSinkProxy.self)
        registry.registerContent("clif.Injector") { Injector() }
    }

    public func run() async throws -> RunStatistics {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, threads.value))
        do {
            let statistics = try await run(on: group)
            try? await group.shutdownGracefully()
            return statistics
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    private func run(on group: MultiThreadedEventLoopGroup) async throws -> RunStatistics {
        let plugins = PluginRegistry()
        HTTPInjectorPlugin.register(in: plugins, group: group)
        let compiled = try ISAC.compile(file: scenario.value, plugins: plugins)
        guard let requested = LoadProfile.requested(
            behavior: compiled.behaviorIDs.first ?? "", users: users.value > 0 ? users.value : nil, rate: rate.value > 0 ? rate.value : nil,
            duration: duration.value > 0 ? duration.value : nil, groups: compiled.scenario.groups) else {
            throw ScenarioError("\(scenario.value) has no load profile: set the injector's users or rate attribute")
        }
        let (profile, limit) = requested
        let forwarding = events.isBound
        let engine = try LoadEngine(scenario: compiled, profile: profile, clock: EventLoopClock(fallback: group.next()),
                                    options: EngineOptions(executors: HTTPInjectorPlugin.executors(of: group), timeLimit: limit, keepsEvents: forwarding))
        guard forwarding else { return await engine.run() }
        // Events go to the collector each second while the load runs, and the rest at the end.
        let sink = try events()
        let forwarder = Task {
            while !Task.isCancelled {
                try? await Task.sleep(nanoseconds: 1_000_000_000)
                let batch = engine.recorder.drainEvents()
                if !batch.isEmpty { try await sink.receive(batch) }
            }
        }
        let statistics = await engine.run()
        forwarder.cancel()
        _ = await forwarder.result
        let rest = engine.recorder.drainEvents()
        if !rest.isEmpty { try await sink.receive(rest) }
        return statistics
    }
}
