/// Runs behaviours for one session: walks the compiled steps, calls the instances, records
/// each sample. Lives on the session's task.
final class SessionRunner {
    /// Why a behaviour was left before its end.
    enum Exit: Error { case stopped }

    let context: SessionContext
    let recorder: Recorder
    let engine: EngineState
    /// Whether this session should leave at the next step boundary (its slot is no longer
    /// wanted, or the run is over).
    let shouldLeave: @Sendable () -> Bool
    private var firstSampleOfIteration = false

    init(context: SessionContext, recorder: Recorder, engine: EngineState, shouldLeave: @escaping @Sendable () -> Bool) {
        self.context = context
        self.recorder = recorder
        self.engine = engine
        self.shouldLeave = shouldLeave
    }

    /// Makes the session's plug-in instances.
    func open() throws {
        let scenario = context.scenario
        context.instances = try scenario.uses.map { use in
            try use.plugin.makeInstance(InstanceContext(useID: use.use.id, parameters: use.use.parameters, directory: scenario.scenario.directory,
                                                        sessionID: context.id, shared: use.shared))
        }
    }

    func close() async {
        for instance in context.instances { await instance.close() }
        context.instances = []
    }

    /// One iteration of `steps`; `intended` is its intended start in an open model.
    func iterate(_ steps: [CompiledStep], intended: Int64?) async throws {
        context.intendedStart = intended
        firstSampleOfIteration = intended != nil
        defer { context.iteration += 1 }
        try await run(steps)
    }

    @inline(__always)
    private func boundary() async throws {
        if engine.gate.isClosed { await engine.gate.pass() }
        if Task.isCancelled || shouldLeave() { throw Exit.stopped }
    }

    private func run(_ steps: [CompiledStep]) async throws {
        for step in steps {
            try await boundary()
            switch step {
            case .sample(let operation):
                await sample(operation)
            case .timer(let operation):
                do {
                    try await context.instances[operation.instance].timer(operation.call, context)
                } catch is CancellationError {
                    throw Exit.stopped
                }
            case .control(let operation):
                try await context.instances[operation.instance].control(operation.call, context)
            case .whileLoop(let condition, let body):
                var turns = 0
                while try await holds(condition) {
                    try await run(body)
                    try await boundary()
                    // A body that never suspends would hold its thread: give way now and then.
                    turns &+= 1
                    if turns & 63 == 0 { await Task.yield() }
                }
            case .preemptive(let condition, let body):
                try await preemptive(condition, body)
            case .ifThen(let condition, let then, let otherwise):
                try await run(holds(condition) ? then : otherwise)
            case .nchoice(let cumulative, let bodies):
                let total = cumulative.last ?? 0
                guard total > 0 else { continue }
                let draw = Int(context.random.next() % UInt64(total))
                let index = cumulative.firstIndex { draw < $0 } ?? 0
                try await run(bodies[index])
            }
        }
    }

    /// The body of a `preemptive`, left at the first step boundary where the condition fails.
    private func preemptive(_ condition: CompiledOperation, _ body: [CompiledStep]) async throws {
        guard try await holds(condition) else { return }
        for step in body {
            try await boundary()
            guard try await holds(condition) else { return }
            try await run([step])
        }
    }

    @inline(__always)
    private func holds(_ condition: CompiledOperation) async throws -> Bool {
        try await context.instances[condition.instance].condition(condition.call, context)
    }

    @inline(__always)
    private func sample(_ operation: CompiledOperation) async {
        let clock = context.clock
        await engine.gate.enter()
        let started = clock.now()
        let result = await context.instances[operation.instance].sample(operation.call, context)
        // Left once recorded: a completed suspension has every event of the calls it waited for.
        defer { engine.gate.leave() }
        if result.interrupted { return }
        let completed = result.completed ?? clock.now()
        let sent = result.sent ?? started
        let service = result.declaredDuration ?? (completed - sent)
        // The first sample of an open-model iteration counts from when it should have started.
        var latency = service
        if firstSampleOfIteration, let intended = context.intendedStart {
            latency = result.declaredDuration ?? (completed - min(intended, sent))
            recorder.recordStartLag(session: context.id, sent - intended)
            firstSampleOfIteration = false
        }
        let at = completed - context.testStart
        let context = context
        recorder.record(session: context.id, type: result.type, success: result.success, failure: result.failure,
                        latency: latency, service: service, at: at,
                        event: ActionEvent(date: at / 1_000_000, sessionID: context.id, type: result.type, iteration: context.iteration,
                                           success: result.success, duration: latency / 1_000_000, comment: result.comment, result: result.result))
    }
}
