import ClifCore
import ClifScenario
import Testing

@Suite("Load engine on a manual clock")
struct LoadEngineTests {
    static let second: Int64 = 1_000_000_000

    @Test func closedPopulationFollowsItsCurve() async throws {
        let clock = ManualClock()
        let group = PopulationGroup(behavior: "B0", ramps: [
            Ramp(.line, from: .init(x: 0, y: 0), to: .init(x: 5, y: 10)),
            Ramp(.line, from: .init(x: 5, y: 10), to: .init(x: 8, y: 10)),
            Ramp(.crenelVH, from: .init(x: 8, y: 10), to: .init(x: 10, y: 3)),
        ])
        let scenario = try CompiledScenario(.waiting(100), plugins: registry())
        let engine = try LoadEngine(scenario: scenario, profile: .closed([group]), clock: clock)
        let run = Task { await engine.run() }
        // The scheduler and the run's time limit sleep on the clock too.
        try await eventually("the engine started") { clock.sleeperCount >= 2 }
        // Every 100 ms the sessions finish a sample: at each step the population is the curve's.
        for step in 1...99 {
            let t = Int64(step) * Self.second / 10
            clock.advance(to: t)
            let expected = group.curve.population(at: Double(t) / 1e9)
            try await eventually("\(expected) sessions at t=\(Double(t) / 1e9)") {
                engine.activeSessions == expected && clock.sleeperCount >= expected + 2
            }
        }
        clock.advance(to: 10 * Self.second)
        let statistics = await run.value
        #expect(engine.activeSessions == 0)
        // Sessions loop forever inside their behaviour: one session per slot ever started.
        #expect(statistics.sessionsStarted == 10)
        #expect(statistics.actions["wait"]!.calls > 500)
    }

    @Test func aNewLoadFactorChangesThePopulationAtOnce() async throws {
        let clock = ManualClock()
        let group = PopulationGroup(behavior: "B0", ramps: [Ramp(.line, from: .init(x: 0, y: 4), to: .init(x: 10, y: 4))])
        let engine = try LoadEngine(scenario: try CompiledScenario(.waiting(100), plugins: registry()), profile: .closed([group]), clock: clock,
                                    options: EngineOptions(rescalable: true))
        let run = Task { await engine.run() }
        try await eventually("4 sessions") { engine.activeSessions == 4 && clock.sleeperCount >= 6 }
        // No curve change is due before 10 s: the factor alone wakes the scheduler.
        try engine.scaleLoad(to: 2)
        try await eventually("8 sessions") { engine.activeSessions == 8 && engine.targetSessions == 8 }
        #expect(engine.loadFactor == 2)
        // Fewer: sessions leave at the end of their sample, once the scheduler has said so.
        try engine.scaleLoad(to: 0.5)
        try await eventually("2 sessions wanted") { engine.targetSessions == 2 }
        clock.advance(to: Self.second / 10)
        try await eventually("2 sessions") { engine.activeSessions == 2 }
        clock.advance(to: 21 * Self.second)
        _ = await run.value
        #expect(throws: ScenarioError.self) { try engine.scaleLoad(to: -1) }
        let open = try LoadEngine(scenario: try CompiledScenario(.waiting(1), plugins: registry()),
                                  profile: .open(OpenProfile(behavior: "B0", rate: .constant(10, for: 1), maxSessions: 4)), clock: clock)
        #expect(throws: ScenarioError.self) { try open.scaleLoad(to: 2) }
        let fixed = try LoadEngine(scenario: try CompiledScenario(.waiting(1), plugins: registry()), profile: .closed([group]), clock: clock)
        #expect(throws: ScenarioError.self) { try fixed.scaleLoad(to: 2) }
    }

    @Test func sessionsThatEndTheirBehaviourAreReplacedByNewOnes() async throws {
        let clock = ManualClock()
        let group = PopulationGroup(behavior: "B0", ramps: [Ramp(.line, from: .init(x: 0, y: 4), to: .init(x: 1, y: 4))])
        let scenario = try CompiledScenario(.waiting(100, loop: false), plugins: registry())
        let engine = try LoadEngine(scenario: scenario, profile: .closed([group]), clock: clock, options: EngineOptions(keepsEvents: true))
        let run = Task { await engine.run() }
        for step in 1...10 {
            try await eventually("4 sessions asleep") { clock.sleeperCount >= 6 }
            clock.advance(to: Int64(step) * Self.second / 10)
        }
        let statistics = await run.value
        // 4 slots × 10 behaviours of 100 ms, each a new session with a new id.
        let events = engine.recorder.drainEvents()
        #expect(statistics.sessionsStarted == 40)
        #expect(Set(events.map(\.sessionID)).count == 40)
        #expect(events.allSatisfy { $0.iteration == 0 && $0.duration == 100 })
    }

    @Test func openArrivalsComeAtTheirRate() async throws {
        let clock = ManualClock()
        let profile = OpenProfile(behavior: "B0", rate: .constant(100, for: 2), maxSessions: 100)
        let scenario = try CompiledScenario(.waiting(5, loop: false), plugins: registry())
        let engine = try LoadEngine(scenario: scenario, profile: .open(profile), clock: clock, options: EngineOptions(keepsEvents: true))
        let run = Task { await engine.run() }
        try await settle(engine, clock, arrivals: 1, last: .max, at: 0)
        for ms in 1...2_010 {
            clock.advance(to: Int64(ms) * 1_000_000)
            try await settle(engine, clock, arrivals: min(200, ms / 10 + 1), last: 200, at: ms)
        }
        let statistics = await run.value
        let events = engine.recorder.drainEvents().sorted { $0.date < $1.date }
        #expect(statistics.actions["wait"]!.calls == 200)
        #expect(statistics.dropped == 0)
        // One arrival each 10 ms, each answered 5 ms later.
        #expect(events.enumerated().allSatisfy { index, event in event.date == Int64(index * 10 + 5) })
        // Idle sessions took the next arrivals: far fewer sessions than arrivals.
        #expect(statistics.sessionsStarted <= 2)
        #expect(statistics.startLag.max == 0)
    }

    @Test func arrivalsThatCannotStartInTimeAreDroppedAndCounted() async throws {
        let clock = ManualClock()
        // One session, 50 ms a call, an arrival every 10 ms, lateness up to 100 ms.
        let profile = OpenProfile(behavior: "B0", rate: .constant(100, for: 1), maxSessions: 1, maxLateness: 0.1)
        let scenario = try CompiledScenario(.waiting(50, loop: false), plugins: registry())
        let engine = try LoadEngine(scenario: scenario, profile: .open(profile), clock: clock)
        let run = Task { await engine.run() }
        try await settle(engine, clock, arrivals: 1, last: .max, at: 0)
        for ms in 1...1_200 {
            clock.advance(to: Int64(ms) * 1_000_000)
            try await settle(engine, clock, arrivals: min(100, ms / 10 + 1), last: 100, at: ms)
        }
        let statistics = await run.value
        let calls = statistics.actions["wait"]!.calls
        // Every arrival was either served or dropped and counted: nothing left out.
        #expect(calls + statistics.dropped == 100)
        #expect(calls >= 20 && calls <= 23)
        #expect(statistics.dropped > 0)
    }

    @Test func latencyCountsFromTheIntendedStartThroughAStall() async throws {
        let clock = ManualClock()
        // 200 arrivals/s for 10 s on 16 sessions; calls take 1 ms, but calls that would end
        // between 2 s and 3.5 s end at 3.5 s (a 1.5 s pause of the system under test).
        let profile = OpenProfile(behavior: "B0", rate: .constant(200, for: 10), maxSessions: 16)
        let scenario = try CompiledScenario(.waiting(1, loop: false), plugins: registry(stall: (2 * Self.second)...(3_500_000_000)))
        let engine = try LoadEngine(scenario: scenario, profile: .open(profile), clock: clock)
        let run = Task { await engine.run() }
        try await settle(engine, clock, arrivals: 1, last: .max, at: 0)
        for ms in 1...10_010 {
            clock.advance(to: Int64(ms) * 1_000_000)
            try await settle(engine, clock, arrivals: min(2_000, ms / 5 + 1), last: 2_000, at: ms)
        }
        let statistics = await run.value
        let wait = statistics.actions["wait"]!
        #expect(wait.calls + statistics.dropped == 2_000)
        #expect(statistics.dropped == 0)
        // Corrected: arrivals held back by the pause count it. Service time: only the 16 calls
        // that were in the server during the pause took long.
        #expect(wait.latencyPercentile(99) > 1_000_000)
        #expect(wait.servicePercentile(99) < 10_000)
    }

    /// Waits until every task of the open model is asleep on the clock: the scheduler (while
    /// arrivals remain), each session with an arrival to run, and the run's time limit.
    func settle(_ engine: LoadEngine, _ clock: ManualClock, arrivals: Int, last: Int, at ms: Int) async throws {
        try await eventually("every task asleep at \(ms) ms") {
            guard engine.arrivals >= arrivals else { return false }
            // Every arrival has come and every session has ended: the run is over.
            if engine.arrivals >= last && engine.activeSessions == 0 { return true }
            return clock.sleeperCount >= engine.busySessions + (arrivals < last ? 1 : 0) + 1
        }
    }

    /// Runs B0 for 10 s (10,000 draws of 1 ms samples), on the manual clock; calls per type.
    func callsOver10Seconds(_ scenario: Scenario) async throws -> [String: Double] {
        let clock = ManualClock()
        let group = PopulationGroup(behavior: "B0", ramps: [Ramp(.line, from: .init(x: 0, y: 1), to: .init(x: 10, y: 1))])
        let engine = try LoadEngine(scenario: try CompiledScenario(scenario, plugins: registry()), profile: .closed([group]), clock: clock,
                                    options: EngineOptions(seed: 42))
        let run = Task { await engine.run() }
        for ms in 1...10_000 {
            try await eventually("the session asleep") { clock.sleeperCount >= 3 }
            clock.advance(to: Int64(ms) * 1_000_000)
        }
        // A session may have begun one more iteration before the curve's end reached it: its
        // wait ends past 10 s, and the drain time (10 s) bounds it. (A sleep until a time
        // already past returns at once, so this holds whenever that session gets to it.)
        clock.advance(to: 21_000_000_000)
        return await run.value.actions.mapValues { Double($0.calls) }
    }

    @Test func nchoiceFollowsItsWeights() async throws {
        func pick(_ type: String) -> [Step] { [.sample(OperationUse(use: "w", name: "wait", parameters: Parameters(["ms": "1", "type": type])))] }
        let scenario = Scenario(plugins: [PluginUse(id: "w", plugin: "Wait"), PluginUse(id: "c", plugin: "Common")],
                                behaviors: [Behavior(id: "B0", steps: [.whileLoop(OperationUse(use: "c", name: "true"), body: [
                                    .nchoice([Step.Choice(weight: 9, steps: pick("nine")), Step.Choice(weight: 1, steps: pick("one"))])])])])
        let calls = try await callsOver10Seconds(scenario)
        let nine = calls["nine", default: 0], one = calls["one", default: 0]
        #expect(nine + one >= 9_990)
        // 10,000 draws at p = 0.1: the standard deviation of the share is 0.3 %; allow 4 of them.
        #expect(abs(one / (nine + one) - 0.1) < 0.012)
    }

    @Test func nchoiceOfAnISACFileFollowsItsProbas() async throws {
        func choice(_ proba: Int, _ type: String) -> String {
            #"<choice proba="\#(proba)"><sample use="w" name="wait"><params><param name="ms" value="1"/><param name="type" value="\#(type)"/></params></sample></choice>"#
        }
        let text = """
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE scenario SYSTEM "classpath:org/ow2/clif/scenario/isac/dtd/scenario.dtd">
            <scenario><behaviors><plugins><use id="w" name="Wait"/><use id="c" name="Common"/></plugins>
            <behavior id="B0"><while><condition use="c" name="true"/>
              <nchoice>\(choice(6, "six"))\(choice(3, "three"))\(choice(1, "one"))</nchoice>
            </while></behavior></behaviors>
            <loadprofile><group behavior="B0" forceStop="true"><ramp style="line"><points><point x="0" y="1"/><point x="10" y="1"/></points></ramp></group></loadprofile>
            </scenario>
            """
        let calls = try await callsOver10Seconds(try ISAC.read(Array(text.utf8), file: "weights.xis", directory: "."))
        let total = calls.values.reduce(0, +)
        #expect(total >= 9_990)
        // Shares 0.6, 0.3, 0.1 over 10,000 draws: standard deviations 0.49 %, 0.46 %, 0.3 %; allow 4.
        #expect(abs(calls["six", default: 0] / total - 0.6) < 0.02)
        #expect(abs(calls["three", default: 0] / total - 0.3) < 0.019)
        #expect(abs(calls["one", default: 0] / total - 0.1) < 0.012)
    }
}

@Suite("Load engine: the run always ends")
struct LoadEngineEndTests {
    @Test func anOpenIterationThatNeverEndsIsStoppedAfterTheDrainTime() async throws {
        let clock = ManualClock()
        let profile = OpenProfile(behavior: "B0", rate: .constant(10, for: 1), maxSessions: 4)
        let scenario = try CompiledScenario(.waiting(100), plugins: registry())
        let engine = try LoadEngine(scenario: scenario, profile: .open(profile), clock: clock, options: EngineOptions(drainTime: 2))
        let run = Task { await engine.run() }
        // The scheduler, the time limit and the first session.
        try await eventually("the engine started") { clock.sleeperCount >= 3 }
        // Four sessions loop forever; arrivals after the fourth wait, then are dropped at the end.
        for step in 1...40 {
            let sessions = min(step, 4)
            try await eventually("sessions asleep at step \(step)") {
                engine.sessionsStarted >= sessions && (clock.sleeperCount >= sessions + 1 || engine.activeSessions == 0)
            }
            clock.advance(to: Int64(step) * 100_000_000)
        }
        let statistics = await run.value
        #expect(engine.activeSessions == 0)
        #expect(statistics.sessionsStarted == 4)
        #expect(statistics.dropped == 6)
        // Stopped at 1 s + 2 s of drain: about 30 calls of 100 ms per session.
        let calls = try #require(statistics.actions["wait"]).calls
        #expect(calls >= 4 * 27 && calls <= 4 * 31)
    }
}
