import ClifComponents
import ClifCore
import Foundation
import Fractal
import FractalADL
import Testing

/// CLIF's Synchro: virtual users of different injectors wait on the same named locks.
@Suite("Synchro", .serialized)
struct SynchroTests {
    /// One behaviour run once per session by `users` sessions: `steps` (ISAC XML).
    static func scenario(_ name: String, base: String, users: Int, steps: String, in folder: String) throws {
        try """
        <?xml version="1.0" encoding="UTF-8"?>
        <!DOCTYPE scenario SYSTEM "classpath:org/ow2/clif/scenario/isac/dtd/scenario.dtd">
        <scenario><behaviors><plugins>
          <use id="http" name="HttpInjector"><params><param name="baseURL" value="\(base)"/></params></use>
          <use id="sync" name="Synchro"><params><param name="id" value=''/></params></use>
        </plugins>
        <behavior id="B0">\(steps)</behavior></behaviors>
        <loadprofile><group behavior="B0" forceStop="false">
          <ramp style="crenel_hv"><points><point x="0" y="\(users)"/><point x="1" y="\(users)"/></points></ramp>
        </group></loadprofile></scenario>
        """.write(toFile: "\(folder)/\(name).xis", atomically: true, encoding: .utf8)
    }

    static func run(_ plan: String, in folder: String) async throws -> TestOutcome {
        try plan.write(toFile: folder + "/sync.ctp", atomically: true, encoding: .utf8)
        let architecture = TestArchitecture(plan: try TestPlan.read(file: folder + "/sync.ctp"), name: "sync", reportDirectory: folder + "/report",
                                            saturationProbes: false)
        let registry = Registry()
        ClifComponents.register(in: registry)
        let test = try ADL.load(try architecture.write(in: folder), searchPath: [packageRoot + "/ADL"], registry: registry)
        try await test.lifeCycleController.start()
        let outcome = try await test.interface(named: "control").callable(as: (any TestControl).self).run(TestRequest(name: "sync", plan: plan))
        try await test.lifeCycleController.stop()
        return outcome
    }

    static func waitN(_ lock: String, timeout: Int) -> String {
        #"<control use="sync" name="waitN"><params><param name="lock" value="\#(lock)"/><param name="timeout" value="\#(timeout)"/><param name="times" value="1"/></params></control>"#
    }

    /// A temporary folder for `body`, removed after it.
    static func inFolder<T>(_ body: (String) async throws -> T) async throws -> T {
        let folder = NSTemporaryDirectory() + "clif-synchro-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        return try await body(folder)
    }

    static func get(_ uri: String) -> String {
        #"<sample use="http" name="get"><params><param name="uri" value="\#(uri)"/></params></sample>"#
    }

    @Test func sessionsOfOneInjectorWaitForALockAnotherInjectorNotifies() async throws {
        try await Self.inFolder { folder in
            let nginx = try Nginx()
            // Waiters: 3 sessions wait for "go", then GET /echo. Notifiers: 2 sessions GET / five
            // times, meet (a barrier of 2), then notify "go". Sessions that end are replaced for 1 s.
            try Self.scenario("waiter", base: nginx.baseURL, users: 3, steps: """
                \(Self.waitN("go", timeout: 30_000))
                \(Self.get("/echo"))
                """, in: folder)
            try Self.scenario("notifier", base: nginx.baseURL, users: 2, steps: String(repeating: Self.get("/"), count: 5) + """
                <control use="sync" name="rendez-vous"><params><param name="lock" value="done"/><param name="timeout" value="30000"/><param name="times" value="2"/></params></control>
                <control use="sync" name="notify"><params><param name="lock" value="go"/></params></control>
                """, in: folder)
            let outcome = try await Self.run("""
                blade.0.id=waiters\nblade.0.server=local host\nblade.0.injector=IsacRunner\nblade.0.argument=waiter.xis
                blade.1.id=notifiers\nblade.1.server=local host\nblade.1.injector=IsacRunner\nblade.1.argument=notifier.xis
                blade.2.id=sync_default\nblade.2.server=local host\nblade.2.injector=Synchro\nblade.2.argument=
                """, in: folder)
            nginx.stop()
            for blade in outcome.blades { #expect(blade.state == .completed || blade.state == .stopped, "\(blade)") }
            let log = try nginx.loggedRequests()
            #expect(log.filter { $0.hasSuffix(" /echo") }.count >= 3)
            // The five GET / of both first notifiers came before the first waiter's request.
            let firstWaiter = try #require(log.firstIndex { $0.hasSuffix(" /echo") })
            #expect(log[..<firstWaiter].filter { $0.hasSuffix(" /") }.count >= 10)
        }
    }

    @Test func aLockNobodyNotifiesEndsTheWaitWithAnAlarmNotAHang() async throws {
        try await Self.inFolder { folder in
            let nginx = try Nginx()
            try Self.scenario("waiter", base: nginx.baseURL, users: 1, steps: """
                \(Self.waitN("never", timeout: 300))
                \(Self.get("/echo"))
                """, in: folder)
            let outcome = try await Self.run("""
                blade.0.id=waiter\nblade.0.server=local host\nblade.0.injector=IsacRunner\nblade.0.argument=waiter.xis
                blade.1.id=sync\nblade.1.server=local host\nblade.1.injector=Synchro\nblade.1.argument=
                """, in: folder)
            nginx.stop()
            #expect(outcome.blades.first { $0.id == "waiter" }?.state == .completed)
            let alarm = try String(contentsOfFile: outcome.runFolder + "/waiter/alarm", encoding: .utf8)
            #expect(alarm.contains("waited 300 ms for lock 'never'"))
            // The session went on after the alarm: one request per wait that timed out.
            let waits = alarm.split(separator: "\n").filter { $0.contains("waited 300 ms") }.count
            #expect(try nginx.loggedRequests().filter { $0.hasSuffix(" /echo") }.count == waits)
        }
    }
}

@Suite("Synchro locks")
struct SynchroLocksTests {
    @Test func aWaitEndsAtItsTimeoutWithTheCountSoFar() async throws {
        let locks = SynchroServer()
        _ = try await locks.notify("a")
        #expect(try await locks.wait("a", count: 2, milliseconds: 50) == 1)
        #expect(try await locks.wait("a", count: 1, milliseconds: 50) == 1)
    }

    @Test func aNotifyWakesTheWaitsItSatisfies() async throws {
        let locks = SynchroServer()
        let waiting = Task { try await locks.wait("b", count: 2, milliseconds: 60_000) }
        _ = try await locks.notify("b")
        _ = try await locks.notify("b")
        #expect(try await waiting.value == 2)
    }
}

extension SynchroLocksTests {
    @Test func aWaitOfNoTimeAnswersAtOnce() async throws {
        let locks = SynchroServer()
        #expect(try await locks.wait("c", count: 1, milliseconds: 0) == 0)
    }
}

extension SynchroLocksTests {
    /// The locks of a Synchro blade whose node is gone.
    struct LostLocks: SynchroLocks {
        struct Lost: Error, CustomStringConvertible { var description: String { "node n3: lost" } }
        func notify(_ lock: String) async throws -> Int { throw Lost() }
        func wait(_ lock: String, count: Int, milliseconds: Int) async throws -> Int { throw Lost() }
        func count(_ lock: String) async throws -> Int { throw Lost() }
    }

    @Test func aWaitOnALostSynchroBladeEndsWithAnAlarmAndTheSessionGoesOn() async throws {
        let plugins = registry()
        plugins.register(SynchroPlugin(locks: LostLocks()))
        let wait = Step.control(OperationUse(use: "sync", name: "waitN", parameters: Parameters(["lock": "go", "timeout": "60000", "times": "1"])))
        let sample = Step.sample(OperationUse(use: "w", name: "wait", parameters: Parameters(["ms": "1"])))
        let scenario = Scenario(plugins: [PluginUse(id: "w", plugin: "Wait"), PluginUse(id: "sync", plugin: "Synchro")],
                                behaviors: [Behavior(id: "B0", steps: [wait, sample])])
        let clock = ManualClock()
        let profile = OpenProfile(behavior: "B0", rate: .constant(1, for: 1), maxSessions: 1)
        let engine = try LoadEngine(scenario: try CompiledScenario(scenario, plugins: plugins), profile: .open(profile), clock: clock,
                                    options: EngineOptions(keepsEvents: true))
        let run = Task { await engine.run() }
        // The wait fails at once (no 60 s wait): the session reaches its 1 ms sample.
        try await eventually("the sample after the wait") { engine.busySessions == 1 && clock.sleeperCount >= 2 }
        for ms in 1...1_100 {
            clock.advance(to: Int64(ms) * 1_000_000)
            await Task.yield()
        }
        try await eventually("the end of the run") { engine.activeSessions == 0 && engine.arrivals >= 1 }
        clock.advance(to: 20 * 1_000_000_000)
        _ = await run.value
        let alarms = engine.recorder.drainAlarms()
        #expect(alarms.contains { $0.severity == 2 && $0.message.contains("lock 'go': the Synchro blade cannot be reached (node n3: lost)") })
        #expect(engine.recorder.drainEvents().count == 1)
    }
}
