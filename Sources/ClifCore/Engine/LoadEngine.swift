import Synchronization

/// State the sessions of a run share with their engine.
final class EngineState: Sendable {
    let stopped = Atomic<Bool>(false)
    let nextSessionID = Atomic<Int>(0)
    let active = Atomic<Int>(0)
    /// Open model: arrivals being run (or handed over and about to be).
    let busy = Atomic<Int>(0)
    let arrivals = Atomic<Int>(0)
    let executorTurn = Atomic<Int>(0)
    let gate = PauseGate()
}

/// Runs a compiled scenario under a load profile: starts, replaces and stops sessions so that
/// each group follows its population curve (closed) or sessions start at the arrival rate
/// (open), and records what every sample measured.
///
/// Every wait goes through the injected ``LoadClock``, so a test drives the whole engine with a
/// ``ManualClock``.
public final class LoadEngine: Sendable {
    public let scenario: CompiledScenario
    public let profile: LoadProfile
    public let clock: any LoadClock
    public let options: EngineOptions
    public let recorder: Recorder
    private let state = EngineState()
    private let startTime = Mutex<Int64?>(nil)
    private let groupsState = Mutex<[GroupSlots]>([])
    private let runTask = Mutex<Task<Void, Never>?>(nil)
    /// Closed model: the factor every group's population is multiplied by, and the sleep of
    /// the scheduler that a new factor cuts short.
    private let scale = Mutex<(factor: Double, changed: Bool, sleep: Task<Void, any Error>?)>((1, false, nil))

    public init(scenario: CompiledScenario, profile: LoadProfile, clock: any LoadClock = SystemClock(), options: EngineOptions = EngineOptions()) throws(ScenarioDiagnostics) {
        var problems: [Diagnostic] = []
        let behaviors: [String] = switch profile {
        case .closed(let groups): groups.map(\.behavior)
        case .open(let open): [open.behavior]
        }
        for behavior in behaviors where scenario.steps(of: behavior) == nil {
            problems.append(Diagnostic(at: scenario.scenario.location, "the load profile names behaviour '\(behavior)', which the scenario does not define (behaviours: \(scenario.behaviorIDs.joined(separator: ", ")))"))
        }
        if case .open(let open) = profile, open.maxSessions < 1 {
            problems.append(Diagnostic(at: nil, "an open profile needs at least one session (maxSessions ≥ 1)"))
        }
        if !problems.isEmpty { throw ScenarioDiagnostics(problems) }
        self.scenario = scenario
        self.profile = profile
        self.clock = clock
        self.options = options
        self.recorder = Recorder(keepsEvents: options.keepsEvents)
    }

    /// Sessions running now.
    public var activeSessions: Int { state.active.load(ordering: .relaxed) }

    /// Sessions running an iteration now: in a closed model every active session, in an open
    /// one those with an arrival to run (the others are idle, waiting for the next).
    public var busySessions: Int {
        if case .open = profile { return state.busy.load(ordering: .relaxed) }
        return activeSessions
    }

    /// Open model: arrivals that have come so far (run, waiting or dropped).
    public var arrivals: Int { state.arrivals.load(ordering: .relaxed) }

    /// Sessions started so far.
    public var sessionsStarted: Int { state.nextSessionID.load(ordering: .relaxed) }

    /// Seconds since the start (0 before it).
    public var elapsed: Double {
        guard let start = startTime.withLock({ $0 }) else { return 0 }
        return Double(clock.now() - start) / 1e9
    }

    /// Stops the load now: sessions are cancelled at once, even inside a call; ``run()``
    /// returns when they have closed.
    public func stop() {
        state.stopped.store(true, ordering: .relaxed)
        runTask.withLock { $0 }?.cancel()
    }

    /// Suspends the load: no sample starts until ``resume()``; returns when the samples in
    /// flight have returned. Sessions in think time finish it and wait. The load profile's
    /// timeline (and the run's end) moves on by the time spent suspended.
    public func suspend() async {
        await state.gate.suspend(now: clock.now())
    }

    /// Resumes a suspended load where its profile left it.
    public func resume() {
        state.gate.resume(now: clock.now())
    }

    /// Whether the load is suspended.
    public var isSuspended: Bool { state.gate.isClosed }

    /// Closed model: from now on, every group runs `factor` times the population its curve
    /// says (rounded to the nearest session): how a test gives a lost injector's share of the
    /// load to the injectors left. Sessions start, or leave at the end of their iteration, at once.
    ///
    /// - Throws: ``ScenarioError`` for an open-model load (its arrival rate cannot be rescaled
    ///   yet) or a factor that is negative or not finite.
    public func scaleLoad(to factor: Double) throws(ScenarioError) {
        guard case .closed = profile else { throw ScenarioError("an open-model load (an arrival rate) cannot be rescaled; only population curves can") }
        guard options.rescalable else { throw ScenarioError("this load was made without EngineOptions.rescalable: it cannot be rescaled") }
        guard factor.isFinite, factor >= 0 else { throw ScenarioError("a load factor must be a finite number ≥ 0, not \(factor)") }
        let sleep = scale.withLock { scale -> Task<Void, any Error>? in
            scale.factor = factor
            scale.changed = true
            return scale.sleep
        }
        sleep?.cancel()
    }

    /// Closed model: the sessions the profile wants now, all groups together (its curves times
    /// the load factor), as the scheduler last set them; sessions start or leave to match.
    public var targetSessions: Int {
        groupsState.withLock { groups in groups.reduce(0) { $0 + $1.slots.withLock { $0.wanted } } }
    }

    /// The factor ``scaleLoad(to:)`` last set (1 until then).
    public var loadFactor: Double { scale.withLock { $0.factor } }

    /// Runs the load to its end (or to ``stop()``), then returns what was measured.
    public func run() async -> RunStatistics {
        // The scheduler runs on the first session executor (an event loop): handing an arrival to
        // a session there is a job on the same thread, not a wake-up of another.
        let task: Task<Void, Never>
        if let executor = options.executors.first {
            task = Task(executorPreference: executor) { await self.runLoad() }
        } else {
            task = Task { await self.runLoad() }
        }
        runTask.withLock { $0 = task }
        if state.stopped.load(ordering: .relaxed) { task.cancel() }
        await withTaskCancellationHandler { await task.value } onCancel: { task.cancel() }
        let start = startTime.withLock { $0 } ?? clock.now()
        return recorder.snapshot(elapsed: Double(clock.now() - start) / 1e9)
    }

    private func runLoad() async {
        let start = clock.now()
        startTime.withLock { $0 = start }
        let drained = start + Int64((profile.duration + max(0, options.drainTime)) * 1e9)
        let limit = min(drained, options.timeLimit.map { start + Int64($0 * 1e9) } ?? .max)
        await withTaskGroup(of: Void.self) { group in
            // The run ends by then whatever its sessions do.
            group.addTask {
                let gate = self.state.gate
                while !Task.isCancelled {
                    do { try await self.clock.sleep(until: limit + gate.paused(now: self.clock.now())) } catch { return }
                    if gate.isClosed { await gate.pass(); continue }
                    if self.clock.now() >= limit + gate.paused(now: self.clock.now()) { break }
                }
                if !Task.isCancelled { self.stop() }
            }
            await withTaskGroup(of: Void.self) { load in
                switch profile {
                case .closed(let groups): await runClosed(groups, start: start, in: &load)
                case .open(let open): await runOpen(open, start: start, in: &load)
                }
                await load.waitForAll()
            }
            group.cancelAll()
        }
    }

    // MARK: Sessions

    private func makeSession(start: Int64, executor: (any TaskExecutor)?) -> SessionContext {
        let id = state.nextSessionID.add(1, ordering: .relaxed).oldValue
        let seed = options.seed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(id) &* 0xD1B5_4A32_D192_ED03
        let recorder = recorder
        return SessionContext(id: id, seed: seed, clock: clock, testStart: start, scenario: scenario, executor: executor) { recorder.recordAlarm($0) }
    }

    private func nextExecutor() -> (any TaskExecutor)? {
        guard !options.executors.isEmpty else { return nil }
        let turn = state.executorTurn.add(1, ordering: .relaxed).oldValue
        return options.executors[turn % options.executors.count]
    }

    private func addSession(_ group: inout TaskGroup<Void>, _ body: @escaping @Sendable ((any TaskExecutor)?) async -> Void) {
        if let executor = nextExecutor() {
            group.addTask(executorPreference: executor) { await body(executor) }
        } else {
            group.addTask { await body(nil) }
        }
    }

    /// Opens a session, runs `body` with it, closes it; an instance that cannot be made is an alarm.
    private func withSession(start: Int64, executor: (any TaskExecutor)?, shouldLeave: @escaping @Sendable () -> Bool,
                             _ body: (SessionRunner) async throws -> Void) async {
        let context = makeSession(start: start, executor: executor)
        state.active.add(1, ordering: .relaxed)
        defer { state.active.subtract(1, ordering: .relaxed) }
        recorder.recordSessionStart(session: context.id, at: clock.now() - start)
        let runner = SessionRunner(context: context, recorder: recorder, engine: state, shouldLeave: shouldLeave)
        let signal = context.stopSignal
        do {
            try runner.open()
            try await withTaskCancellationHandler {
                try await body(runner)
            } onCancel: {
                signal.stop()
            }
        } catch is SessionRunner.Exit {
        } catch is CancellationError {
        } catch {
            context.alarm("session \(context.id) aborted: \(error)", severity: 2)
        }
        await runner.close()
    }

    // MARK: Closed model

    /// The slots of one group: slot i runs while i < wanted.
    final class GroupSlots: Sendable {
        struct Slots {
            var wanted = 0
            var running: Set<Int> = []
            /// The curve has ended: no new session, and running ones leave when forced.
            var ended = false
        }
        let group: PopulationGroup
        let slots = Mutex(Slots())
        init(_ group: PopulationGroup) { self.group = group }
    }

    private func runClosed(_ groups: [PopulationGroup], start: Int64, in load: inout TaskGroup<Void>) async {
        let slots = groups.map(GroupSlots.init)
        groupsState.withLock { $0 = slots }
        let gate = state.gate
        var t = 0.0
        while !state.stopped.load(ordering: .relaxed) && !Task.isCancelled {
            for group in slots { adjust(group, at: t, start: start, in: &load) }
            // Sleep until the next change of any curve, on the profile's timeline (which stands
            // still while the load is suspended).
            guard let next = slots.compactMap({ $0.group.curve.nextChange(after: t) }).min() else { break }
            let deadline = start + gate.paused(now: clock.now()) + Int64(next * 1e9)
            guard options.rescalable else {
                do { try await clock.sleep(until: deadline) } catch { break }
                if gate.isClosed { await gate.pass(); continue }
                t = max(next, Double(clock.now() - start - gate.paused(now: clock.now())) / 1e9)
                continue
            }
            // A sleep that a new load factor cuts short (then the populations change now).
            let sleep = Task { [clock] in try await clock.sleep(until: deadline) }
            let rescaled = scale.withLock { scale -> Bool in
                scale.sleep = sleep
                return scale.changed
            }
            if rescaled { sleep.cancel() }
            let slept = await withTaskCancellationHandler { await sleep.result } onCancel: { sleep.cancel() }
            let changed = scale.withLock { scale -> Bool in
                scale.sleep = nil
                defer { scale.changed = false }
                return scale.changed
            }
            if case .failure = slept {
                guard changed, !Task.isCancelled, !state.stopped.load(ordering: .relaxed) else { break }
                t = max(t, Double(clock.now() - start - gate.paused(now: clock.now())) / 1e9)
                continue
            }
            if gate.isClosed { await gate.pass(); continue }
            t = Double(clock.now() - start - gate.paused(now: clock.now())) / 1e9
            t = max(t, next)
        }
        // The end of every curve: force or let finish.
        for group in slots {
            group.slots.withLock { $0.ended = true; $0.wanted = 0 }
        }
        if state.stopped.load(ordering: .relaxed) || Task.isCancelled { load.cancelAll() }
    }

    private func adjust(_ group: GroupSlots, at t: Double, start: Int64, in load: inout TaskGroup<Void>) {
        let factor = scale.withLock { $0.factor }
        let population = group.group.curve.population(at: t)
        let wanted = factor == 1 ? population : Int(min((Double(population) * factor).rounded(), 10_000_000))
        let toStart = group.slots.withLock { slots -> [Int] in
            slots.wanted = wanted
            let missing = (0..<wanted).filter { !slots.running.contains($0) }
            slots.running.formUnion(missing)
            return missing
        }
        guard let steps = scenario.steps(of: group.group.behavior) else { return }
        for index in toStart {
            addSession(&load) { executor in await self.runSlot(index, of: group, steps: steps, start: start, executor: executor) }
        }
    }

    /// One slot of a group: a session after another, each running the behaviour once, while the
    /// slot is wanted.
    private func runSlot(_ index: Int, of group: GroupSlots, steps: [CompiledStep], start: Int64, executor: (any TaskExecutor)?) async {
        let forceStop = group.group.forceStop
        let shouldLeave: @Sendable () -> Bool = { [state] in
            if state.stopped.load(ordering: .relaxed) { return true }
            return group.slots.withLock { slots in
                slots.ended ? forceStop : index >= slots.wanted
            }
        }
        while true {
            let keepGoing = group.slots.withLock { slots -> Bool in
                if slots.ended || index >= slots.wanted || state.stopped.load(ordering: .relaxed) || Task.isCancelled {
                    slots.running.remove(index)
                    return false
                }
                return true
            }
            guard keepGoing else { return }
            await withSession(start: start, executor: executor, shouldLeave: shouldLeave) { runner in
                try await runner.iterate(steps, intended: nil)
            }
        }
    }

    // MARK: Open model

    /// The open-model scheduler wakes at most this often (nanoseconds).
    static let schedulingQuantum: Int64 = 200_000

    private func runOpen(_ profile: OpenProfile, start: Int64, in load: inout TaskGroup<Void>) async {
        guard let steps = scenario.steps(of: profile.behavior) else { return }
        let arrivals = ArrivalQueue(maxSessions: profile.maxSessions, maxLateness: Int64(profile.maxLateness * 1e9), counting: state)
        let state = state
        let recorder = recorder
        let clock = clock
        let shouldLeave: @Sendable () -> Bool = { state.stopped.load(ordering: .relaxed) }
        let drop: @Sendable (Int64) -> Void = { recorder.recordDropped(at: $0 - start) }
        var n = 0
        var lastWake = Int64.min / 2
        let gate = state.gate
        schedule: while !state.stopped.load(ordering: .relaxed) && !Task.isCancelled {
            if gate.isClosed { await gate.pass() }
            // The arrival timeline stands still while the load is suspended.
            let origin = start + gate.paused(now: clock.now())
            guard let due = profile.rate.time(ofArrival: n) else { break }
            let intended = origin + Int64(due * 1e9)
            // Wake at most once per quantum: at high rates, arrivals are handed out in small
            // batches (each still timed from its own intended start) rather than one wake-up each.
            let wake = max(intended, lastWake + Self.schedulingQuantum)
            if wake > clock.now() {
                do { try await clock.sleep(until: wake) } catch { break schedule }
                if gate.isClosed { continue schedule }
            }
            lastWake = clock.now()
            // Everything due by now, each with its own intended time.
            let now = clock.now()
            var next = intended
            while next <= now {
                switch arrivals.offer(next) {
                case .handed, .queued: break
                case .dropped: drop(next)
                case .spawn:
                    let first = next
                    let reuse = profile.reuseSessions
                    addSession(&load) { executor in
                        var intended: Int64? = first
                        if reuse {
                            await self.withSession(start: start, executor: executor, shouldLeave: shouldLeave) { runner in
                                while let current = intended {
                                    try await runner.iterate(steps, intended: current)
                                    intended = await arrivals.take(now: clock.now(), drop: drop)
                                }
                            }
                        } else {
                            while let current = intended {
                                await self.withSession(start: start, executor: executor, shouldLeave: shouldLeave) { runner in
                                    try await runner.iterate(steps, intended: current)
                                }
                                intended = shouldLeave() ? nil : await arrivals.take(now: clock.now(), drop: drop)
                            }
                        }
                        if intended != nil { state.busy.subtract(1, ordering: .relaxed) }
                        arrivals.sessionEnded()
                    }
                }
                n += 1
                state.arrivals.store(n, ordering: .relaxed)
                guard let due = profile.rate.time(ofArrival: n) else { break schedule }
                next = origin + Int64(due * 1e9)
            }
        }
        // Arrivals still waiting when the load ends never started: dropped, and counted.
        for intended in arrivals.close() { drop(intended) }
        if state.stopped.load(ordering: .relaxed) || Task.isCancelled { load.cancelAll() }
    }
}

import FractalXML
