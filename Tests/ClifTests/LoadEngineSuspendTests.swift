import ClifCore
import Testing

@Suite("Load engine: suspend and resume")
struct LoadEngineSuspendTests {
    static let ms: Int64 = 1_000_000

    @Test func noSampleStartsWhileSuspendedAndTheProfileWaits() async throws {
        let clock = ManualClock()
        // Two sessions looping on 100 ms calls for 2 s.
        let group = PopulationGroup(behavior: "B0", ramps: [Ramp(.line, from: .init(x: 0, y: 2), to: .init(x: 2, y: 2))])
        let scenario = try CompiledScenario(.waiting(100), plugins: registry())
        let engine = try LoadEngine(scenario: scenario, profile: .closed([group]), clock: clock, options: EngineOptions(keepsEvents: true))
        let run = Task { await engine.run() }
        // Scheduler, time limit, two sessions.
        try await eventually("the engine started") { clock.sleeperCount >= 4 }
        clock.advance(to: 50 * Self.ms)

        // Suspending waits for the two calls in flight.
        let suspending = Task { await engine.suspend() }
        try await eventually("the gate closed") { engine.isSuspended }
        clock.advance(to: 100 * Self.ms)
        await suspending.value
        let before = engine.recorder.drainEvents()
        #expect(before.count == 2)

        // Three seconds suspended: past the profile's end, and nothing runs.
        for step in 1...30 {
            clock.advance(to: 100 * Self.ms + Int64(step) * 100 * Self.ms)
            await Task.yield()
        }
        #expect(engine.recorder.drainEvents().isEmpty)
        #expect(engine.activeSessions == 2)

        // Resumed at 3.1 s: the 2 s profile ends 3 s late, at 5 s; the calls started then end
        // at 5.1 s.
        engine.resume()
        var t = 3_100 * Self.ms
        while t < 5_100 * Self.ms {
            try await eventually("the sessions asleep at \(t / Self.ms) ms") { clock.sleeperCount >= 4 }
            t += 100 * Self.ms
            clock.advance(to: t)
        }
        let statistics = await run.value
        let after = engine.recorder.drainEvents()
        // Calls start at 3.1 s, 3.2 s … 5 s: 20 per session, none while suspended.
        #expect(after.count == 40)
        #expect(after.allSatisfy { $0.date >= 3_200 })
        #expect(statistics.sessionsStarted == 2)
    }

    @Test func anOpenProfileSendsNoArrivalWhileSuspended() async throws {
        let clock = ManualClock()
        let profile = OpenProfile(behavior: "B0", rate: .constant(100, for: 1), maxSessions: 10)
        let scenario = try CompiledScenario(.waiting(1, loop: false), plugins: registry())
        let engine = try LoadEngine(scenario: scenario, profile: .open(profile), clock: clock, options: EngineOptions(keepsEvents: true))
        let run = Task { await engine.run() }
        try await eventually("the engine started") { clock.sleeperCount >= 2 }
        for ms in 1...500 {
            clock.advance(to: Int64(ms) * Self.ms)
            try await eventually("asleep at \(ms) ms") { clock.sleeperCount >= engine.busySessions + 2 }
        }
        // The call that started at 500 ms ends at 501 ms: then the suspension is complete.
        let suspending = Task { await engine.suspend() }
        try await eventually("the gate closed") { engine.isSuspended }
        clock.advance(to: 501 * Self.ms)
        await suspending.value
        let arrivals = engine.arrivals
        for ms in 502...2_500 { clock.advance(to: Int64(ms) * Self.ms); await Task.yield() }
        #expect(engine.arrivals == arrivals)
        engine.resume()
        for ms in 2_501...3_100 {
            clock.advance(to: Int64(ms) * Self.ms)
            try await eventually("asleep at \(ms) ms") {
                (engine.arrivals >= 100 && engine.activeSessions == 0)
                    || clock.sleeperCount >= engine.busySessions + (engine.arrivals < 100 ? 1 : 0) + 1
            }
        }
        let statistics = await run.value
        // Every arrival of the 1 s profile, none dropped for the 2 s pause; only the call in
        // flight at the suspension ended during it.
        #expect(statistics.actions["wait"]?.calls == 100)
        #expect(statistics.dropped == 0)
        #expect(engine.recorder.drainEvents().filter { $0.date > 501 && $0.date < 2_500 }.isEmpty)
    }
}
