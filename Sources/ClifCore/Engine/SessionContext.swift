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
    let stopSignal = StopSignal()
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

    /// Runs `action` (on any thread) when the session is stopped: a plug-in cuts what is in flight
    /// there, once per session rather than once per call (a cancellation handler per call costs
    /// a lock of the task's status on every request).
    public func onStop(_ action: @escaping @Sendable () -> Void) {
        stopSignal.add(action)
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

import Synchronization

/// Actions to run when a session's task is cancelled.
final class StopSignal: Sendable {
    private struct State {
        var actions: [@Sendable () -> Void] = []
        var stopped = false
    }
    private let state = Mutex(State())

    func add(_ action: @escaping @Sendable () -> Void) {
        let now = state.withLock { state -> Bool in
            if state.stopped { return true }
            state.actions.append(action)
            return false
        }
        if now { action() }
    }

    func stop() {
        let actions = state.withLock { state -> [@Sendable () -> Void] in
            state.stopped = true
            defer { state.actions.removeAll() }
            return state.actions
        }
        for action in actions { action() }
    }
}
