import ClifCore
import Fractal
import Synchronization

/// The content of a probe component (`ADL/clif/Probe.fractal`): samples its node's `cpu`,
/// `memory`, `network` or `disk` every period for the duration of CLIF's argument
/// `<period ms> <duration s>`, and sends each row through its `events` client interface.
public final class Probe: LoadlessInsert {
    /// CLIF's probe class: `cpu`, `memory`, `network`, `disk`.
    public let probe = Attribute("probe", "cpu")
    /// `<period ms> <duration s>`.
    public let argument = Attribute("argument", "1000 60")
    /// Where the kernel's figures are read (a fixture folder in tests).
    public let procRoot = Attribute("procRoot", "/proc")
    public let events = Client<any EventSink>("events")

    private struct Run {
        var sampler: (any ProbeSampler)?
        var arguments: ProbeArguments?
        var task: Task<Void, any Error>?
        var suspended = false
        var stopped = false
    }

    private let current = Mutex(Run())

    public init() {}

    public static func register(in registry: Registry = .shared) {
        registry.register(InsertProxy.self)
        registry.register(EventSinkProxy.self)
        registry.registerContent("clif.Probe") { Probe() }
    }

    public func prepare() async throws -> [EventType] {
        let arguments = try ProbeArguments(parsing: argument.value)
        let sampler = try ProbeSamplers.sampler(forClass: probe.value, procRoot: procRoot.value, at: 0)
        current.withLock { $0 = Run(sampler: sampler, arguments: arguments) }
        return sampler.eventTypes.map { EventType(name: $0.name, labels: $0.labels) }
    }

    public func start() async throws {
        let (sampler, arguments) = try current.withLock { run -> ((any ProbeSampler), ProbeArguments) in
            guard let sampler = run.sampler, let arguments = run.arguments, run.task == nil else {
                throw ScenarioError("the probe is not prepared, or already started")
            }
            return (sampler, arguments)
        }
        let sink = try events()
        let task = Task { [self] in
            var sampler = sampler
            let clock = ContinuousClock()
            let start = clock.now
            // The sampler's baseline is the start: the first row covers the first period.
            _ = try sampler.sample(at: 0)
            for n in 1...max(1, arguments.sampleCount) {
                try await clock.sleep(until: start + arguments.period * n)
                if current.withLock({ $0.stopped }) { break }
                let elapsed = clock.now - start
                let nanoseconds = elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000
                let rows = try sampler.sample(at: nanoseconds)
                // Suspended: the figures are read (to keep the rates right) but not sent.
                guard !current.withLock({ $0.suspended }) else { continue }
                try await sink.receive(EventBatch(probes: rows.map { ProbeEvent(type: $0.eventType.name, date: $0.date, values: $0.values) }))
            }
        }
        current.withLock { $0.task = task }
    }

    public func suspend() async throws { current.withLock { $0.suspended = true } }
    public func resume() async throws { current.withLock { $0.suspended = false } }

    public func stop() async throws {
        let task = current.withLock { run -> Task<Void, any Error>? in
            run.stopped = true
            return run.task
        }
        task?.cancel()
    }

    public func join() async throws {
        guard let task = current.withLock({ $0.task }) else { throw ScenarioError("the probe was not started") }
        do {
            try await task.value
        } catch is CancellationError {
            // Stopped.
        }
    }
}
