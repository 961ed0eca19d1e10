/// What a plug-in instance sees of the session it works for: its id and iteration, its random
/// numbers, the engine's clock, the other instances' variables, alarms.
///
/// Contract: used on the session's task only, as its instances are.
public final class SessionContext {
    public let id: Int
    /// Iterations of the behaviour this session has begun (0 for the first).
    public internal(set) var iteration: Int = 0
    public var random: SessionRandom
    public let clock: any LoadClock
    /// The clock's time when the test started: action dates count from it.
    public let testStart: Int64
    /// The current iteration's intended start, in an open model (nil in a closed one).
    public internal(set) var intendedStart: Int64?
    /// The executor the session runs on (one of ``EngineOptions/executors``), so that a
    /// protocol plug-in can open its connections on the same thread.
    public let executor: (any TaskExecutor)?

    let scenario: CompiledScenario
    var instances: [any PluginInstance] = []
    let alarms: @Sendable (Alarm) -> Void

    init(id: Int, seed: UInt64, clock: any LoadClock, testStart: Int64, scenario: CompiledScenario, executor: (any TaskExecutor)?,
         alarms: @escaping @Sendable (Alarm) -> Void) {
        self.executor = executor
        self.id = id
        self.random = SessionRandom(seed: seed)
        self.clock = clock
        self.testStart = testStart
        self.scenario = scenario
        self.alarms = alarms
    }

    @inline(__always)
    public func now() -> Int64 { clock.now() }

    /// Waits on the engine's clock; throws `CancellationError` when the session is stopped.
    public func sleep(nanoseconds: Int64) async throws {
        try await clock.sleep(until: clock.now() + max(0, nanoseconds))
    }

    /// Raises an alarm (0 info, 1 warning, 2 error, 3 fatal), written to the `alarm` file.
    public func alarm(_ message: String, severity: Int = 1) {
        alarms(Alarm(date: (clock.now() - testStart) / 1_000_000, severity: severity, message: message))
    }

    /// The text of a parameter value, with `${instance:variable}` replaced. An unknown
    /// reference (checked away at compile time) is left as written.
    public func resolve(_ value: ParameterValue) -> String {
        if let constant = value.constant { return constant }
        var text = ""
        for piece in value.pieces {
            switch piece {
            case .text(let part): text += part
            case .variable(let instance, let name):
                if let index = scenario.useIndex[instance], index < instances.count,
                   let value = instances[index].variable(name, self) {
                    text += value
                } else {
                    text += "${\(instance):\(name)}"
                }
            }
        }
        return text
    }

    /// A parameter of `call`, resolved; nil when it is absent.
    public func string(_ name: String, of call: OperationCall) -> String? {
        call.parameters[name].map(resolve)
    }
}
