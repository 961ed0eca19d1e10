import Synchronization

/// State the sessions of a run share with their engine.
final class EngineState: Sendable {
    let stopped = Atomic<Bool>(false)
    let nextSessionID = Atomic<Int>(0)
    let active = Atomic<Int>(0)
    let executorTurn = Atomic<Int>(0)
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

    /// Runs the load to its end (or to ``stop()``), then returns what was measured.
    public func run() async -> RunStatistics {
        let task = Task { await self.runLoad() }
        runTask.withLock { $0 = task }
        if state.stopped.load(ordering: .relaxed) { task.cancel() }
        await withTaskCancellationHandler { await task.value } onCancel: { task.cancel() }
        let start = startTime.withLock { $0 } ?? clock.now()
        return recorder.snapshot(elapsed: Double(clock.now() - start) / 1e9)
    }

    private func runLoad() async {
        let start = clock.now()
        startTime.withLock { $0 = start }
        let limit = options.timeLimit.map { start + Int64($0 * 1e9) }
        await withTaskGroup(of: Void.self) { group in
            if let limit {
                group.addTask {
                    try? await self.clock.sleep(until: limit)
                    if !Task.isCancelled { self.stop() }
                }
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

    private func makeSession(start: Int64) -> SessionContext {
        let id = state.nextSessionID.add(1, ordering: .relaxed).oldValue
        let seed = options.seed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(id) &* 0xD1B5_4A32_D192_ED03
        let recorder = recorder
        return SessionContext(id: id, seed: seed, clock: clock, testStart: start, scenario: scenario) { recorder.recordAlarm($0) }
    }

    private func nextExecutor() -> (any TaskExecutor)? {
        guard !options.executors.isEmpty else { return nil }
        let turn = state.executorTurn.add(1, ordering: .relaxed).oldValue
        return options.executors[turn % options.executors.count]
    }

    private func addSession(_ group: inout TaskGroup<Void>, _ body: @escaping @Sendable () async -> Void) {
        if let executor = nextExecutor() {
            group.addTask(executorPreference: executor, operation: body)
        } else {
            group.addTask(operation: body)
        }
    }

    /// Opens a session, runs `body` with it, closes it; an instance that cannot be made is an alarm.
    private func withSession(start: Int64, shouldLeave: @escaping @Sendable () -> Bool, _ body: (SessionRunner) async throws -> Void) async {
        let context = makeSession(start: start)
        state.active.add(1, ordering: .relaxed)
        defer { state.active.subtract(1, ordering: .relaxed) }
        recorder.recordSessionStart(session: context.id, at: clock.now() - start)
        let runner = SessionRunner(context: context, recorder: recorder, engine: state, shouldLeave: shouldLeave)
        do {
            try runner.open()
            try await body(runner)
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
        var t = 0.0
        while !state.stopped.load(ordering: .relaxed) && !Task.isCancelled {
            for group in slots { adjust(group, at: t, start: start, in: &load) }
            // Sleep until the next change of any curve.
            guard let next = slots.compactMap({ $0.group.curve.nextChange(after: t) }).min() else { break }
            do {
                try await clock.sleep(until: start + Int64(next * 1e9))
            } catch { break }
            t = Double(clock.now() - start) / 1e9
            t = max(t, next)
        }
        // The end of every curve: force or let finish.
        for group in slots {
            group.slots.withLock { $0.ended = true; $0.wanted = 0 }
        }
        if state.stopped.load(ordering: .relaxed) || Task.isCancelled { load.cancelAll() }
    }

    private func adjust(_ group: GroupSlots, at t: Double, start: Int64, in load: inout TaskGroup<Void>) {
        let wanted = group.group.curve.population(at: t)
        let toStart = group.slots.withLock { slots -> [Int] in
            slots.wanted = wanted
            let missing = (0..<wanted).filter { !slots.running.contains($0) }
            slots.running.formUnion(missing)
            return missing
        }
        guard let steps = scenario.steps(of: group.group.behavior) else { return }
        for index in toStart {
            addSession(&load) { await self.runSlot(index, of: group, steps: steps, start: start) }
        }
    }

    /// One slot of a group: a session after another, each running the behaviour once, while the
    /// slot is wanted.
    private func runSlot(_ index: Int, of group: GroupSlots, steps: [CompiledStep], start: Int64) async {
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
            await withSession(start: start, shouldLeave: shouldLeave) { runner in
                try await runner.iterate(steps, intended: nil)
            }
        }
    }

    // MARK: Open model

    /// Idle sessions of an open model, waiting for their next arrival.
    private final class IdlePool: Sendable {
        struct Pool {
            var idle: [CheckedContinuation<Int64?, Never>] = []
            var closed = false
        }
        let pool = Mutex(Pool())

        /// Waits for the next arrival's intended time; nil: the load is over.
        func next() async -> Int64? {
            await withCheckedContinuation { continuation in
                let closed = pool.withLock { pool -> Bool in
                    if pool.closed { return true }
                    pool.idle.append(continuation)
                    return false
                }
                if closed { continuation.resume(returning: nil) }
            }
        }

        /// Hands an arrival to an idle session; false when none is idle.
        func dispatch(_ intended: Int64) -> Bool {
            guard let continuation = pool.withLock({ $0.idle.popLast() }) else { return false }
            continuation.resume(returning: intended)
            return true
        }

        func close() {
            let idle = pool.withLock { pool -> [CheckedContinuation<Int64?, Never>] in
                pool.closed = true
                defer { pool.idle.removeAll() }
                return pool.idle
            }
            for continuation in idle { continuation.resume(returning: nil) }
        }
    }

    private func runOpen(_ profile: OpenProfile, start: Int64, in load: inout TaskGroup<Void>) async {
        guard let steps = scenario.steps(of: profile.behavior) else { return }
        let pool = IdlePool()
        let sessions = Atomic<Int>(0)
        let state = state
        let shouldLeave: @Sendable () -> Bool = { state.stopped.load(ordering: .relaxed) }
        var n = 0
        arrivals: while !state.stopped.load(ordering: .relaxed) && !Task.isCancelled {
            guard let due = profile.rate.time(ofArrival: n) else { break }
            let intended = start + Int64(due * 1e9)
            if intended > clock.now() {
                do { try await clock.sleep(until: intended) } catch { break arrivals }
            }
            // Everything due by now, each with its own intended time.
            let now = clock.now()
            var next = intended
            while next <= now {
                if !(profile.reuseSessions && pool.dispatch(next)) {
                    if sessions.load(ordering: .relaxed) < profile.maxSessions {
                        sessions.add(1, ordering: .relaxed)
                        let first = next
                        let reuse = profile.reuseSessions
                        addSession(&load) {
                            await self.withSession(start: start, shouldLeave: shouldLeave) { runner in
                                var intended: Int64? = first
                                while let current = intended {
                                    try await runner.iterate(steps, intended: current)
                                    intended = reuse ? await pool.next() : nil
                                }
                            }
                            sessions.subtract(1, ordering: .relaxed)
                        }
                    } else {
                        recorder.recordDropped(at: next - start)
                    }
                }
                n += 1
                guard let due = profile.rate.time(ofArrival: n) else { break arrivals }
                next = start + Int64(due * 1e9)
            }
        }
        pool.close()
        if state.stopped.load(ordering: .relaxed) || Task.isCancelled { load.cancelAll() }
    }
}

import FractalXML
