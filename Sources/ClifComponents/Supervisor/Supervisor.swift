import ClifCore
import Fractal
import Foundation
import Synchronization

/// The content of the supervisor (`ADL/clif/Supervisor.fractal`): drives every blade bound to
/// its `blade` collection (member `blade-<id>`) through CLIF's lifecycle, in parallel,
/// records each blade's states in the storage, and merges the blades' figures every second.
///
/// A blade that fails, or whose node is lost, becomes `aborted` with the reason; the test goes
/// on with the others.
public final class Supervisor: TestControl {
    public let blade = ClientCollection<any BladeControl>("blade")
    public let storage = Client<any StorageAdmin>("storage")
    /// Milliseconds between two looks at the blades.
    public let period = Attribute("period", 1000)
    /// An injector's node is saturated when its CPU stays above this (%) …
    public let saturationThreshold = Attribute("saturationThreshold", 90.0)
    /// … for more than this many seconds: its latencies are flagged as unreliable.
    public let saturationSeconds = Attribute("saturationSeconds", 5.0)
    /// When an injector's node is lost: `continue` with the others, or `rebalance`: the
    /// injectors of its group that are left take its share of the load.
    public let onInjectorLoss = Attribute("onInjectorLoss", "continue")

    private struct Live {
        var start: Int64 = 0
        var blades: [String: BladeStatus] = [:]
        var info: [String: BladeInfo] = [:]
        var interval = IntervalStatistics(second: 0)
        var intervals: [IntervalStatistics] = []
        var outcomes: [String: BladeOutcome] = [:]
        /// States of blades whose report folder is not open yet (before their init returns).
        var pending: [String: [BladeOutcome]] = [:]
        var opened: Set<String> = []
        /// Per server: since when its CPU has been above the threshold, and whether its
        /// injectors are flagged.
        var aboveSince: [String: Int64] = [:]
        var saturated: Set<String> = []
        var stopping = false
        /// Each injector's share of its group's load, in its own profile's units (1 at the start).
        var loadFactors: [String: Double] = [:]
    }

    private let live = Mutex(Live())

    public init() {}

    public static func register(in registry: Registry = .shared) {
        registry.register(TestControlProxy.self)
        registry.register(BladeControlProxy.self)
        registry.register(StorageAdminProxy.self)
        registry.registerContent("clif.Supervisor") { Supervisor() }
    }

    /// Blade id → its control: the collection's members, `blade-<id>`.
    private var blades: [(id: String, control: any BladeControl)] {
        blade.members.map { (String($0.name.dropFirst("blade-".count)), $0.server) }
    }

    public func run(_ test: TestRequest) async throws -> TestOutcome {
        let blades = blades
        guard !blades.isEmpty else { throw BladeError("the supervisor has no blade bound (bind blade-<id> to each blade's control)") }
        let storage = try storage()
        let start = Self.nowMilliseconds()
        live.withLock { $0 = Live(start: start) }
        let info = TestInfo(name: test.name, start: start)
        let runFolder = try await storage.openTest(info, plan: test.plan)

        // Init, in parallel; a blade that cannot is aborted, the others go on.
        let initialized = await parallel(blades) { id, control -> Bool in
            await self.record(id, .initializing, storage)
            do {
                let description = try await control.initialize(info)
                try await storage.openBlade(description)
                self.live.withLock { $0.info[id] = description }
                await self.opened(id, storage)
                await self.record(id, .initialized, storage)
                return true
            } catch {
                try? await storage.openBlade(BladeInfo(id: id, eventTypes: [], server: [:]))
                await self.opened(id, storage)
                await self.record(id, .aborted, storage, reason: "init failed: \(error)")
                return false
            }
        }
        let ready = blades.filter { initialized[$0.id] == true }
        let started = await parallel(ready) { id, control -> Bool in
            await self.record(id, .starting, storage)
            do {
                try await control.start()
                await self.record(id, .running, storage)
                return true
            } catch {
                await self.record(id, .aborted, storage, reason: "start failed: \(error)")
                return false
            }
        }
        var running = ready.filter { started[$0.id] == true }
        let clock = ContinuousClock()
        let beginning = clock.now
        let intervalsStart = Self.nowMilliseconds()
        var tick = 1
        // Watch until every blade has ended; probes stop when the last injector has.
        while !running.isEmpty {
            try? await clock.sleep(until: beginning + .milliseconds(period.value * tick))
            tick += 1
            let looked = await parallel(running) { id, control in await self.look(at: id, control, storage) }
            let lost = live.withLock { live in running.map(\.id).filter { looked[$0] == false && live.outcomes[$0]?.reason?.hasPrefix("lost") == true } }
            if onInjectorLoss.value == "rebalance" {
                for id in lost { await rebalance(after: id, among: running.filter { looked[$0.id] == true }, storage) }
            }
            live.withLock { live in
                live.intervals.append(live.interval)
                live.interval = IntervalStatistics(second: live.intervals.count)
            }
            running = running.filter { looked[$0.id] == true }
            await checkSaturation(storage)
            let info = live.withLock { $0.info }
            let injectorsLeft = running.contains { info[$0.id]?.eventTypes.contains(.action) ?? false }
            if !injectorsLeft {
                for (id, control) in running where state(of: id) != .stopping {
                    await record(id, .stopping, storage)
                    try? await control.stop()
                }
            }
        }
        _ = await parallel(blades.filter { initialized[$0.id] == true }) { _, control in (try? await control.collect()) ?? 0 }
        _ = try await storage.closeTest()
        let end = Self.nowMilliseconds()
        return live.withLock { live in
            TestOutcome(runFolder: runFolder, blades: blades.map { live.outcomes[$0.id] ?? BladeOutcome(id: $0.id, state: .aborted, reason: "unknown", date: end - start) },
                        elapsed: Double(end - start) / 1000, intervals: live.intervals,
                        intervalsStart: intervalsStart, intervalLength: Double(period.value) / 1000)
        }
    }

    /// One look at a running blade: its figures into the live view, its end when it ended.
    /// Returns whether it still runs.
    private func look(at id: String, _ control: any BladeControl, _ storage: any StorageAdmin) async -> Bool {
        do {
            let snapshot = try await control.statistics()
            live.withLock { live in
                live.interval.add(snapshot.interval)
                let labels = live.info[id]?.eventTypes ?? []
                var probes: [String: [String: Double]] = [:]
                for (type, values) in snapshot.probes {
                    let names = labels.first { $0.name == type }?.labels ?? values.indices.map { "\($0 + 1)" }
                    probes[type] = Dictionary(zip(names, values), uniquingKeysWith: { a, _ in a })
                }
                let saturated = live.blades[id]?.saturated ?? false
                live.blades[id] = BladeStatus(id: id, state: snapshot.state, activeSessions: snapshot.activeSessions, probes: probes,
                                              unsent: snapshot.unsent, saturated: saturated)
            }
            switch snapshot.state {
            case .completed, .stopped, .aborted:
                do {
                    let state = try await control.join()
                    await record(id, state, storage)
                } catch {
                    await record(id, .aborted, storage, reason: "\(error)")
                }
                return false
            case .suspended, .suspending, .resuming, .stopping:
                await recordIfNew(id, snapshot.state, storage)
                return true
            default:
                await recordIfNew(id, snapshot.state, storage)
                return true
            }
        } catch {
            // The blade cannot be reached: its node is lost, or it hangs past the call deadline.
            await record(id, .aborted, storage, reason: "lost: \(error)")
            return false
        }
    }

    /// Gives lost injector `lost`'s share of its group's load to the injectors of its group in
    /// `running`, in equal parts, and says so in the report (on the lost blade and on each that
    /// took a part: the factor and the sessions before, the factor after).
    private func rebalance(after lost: String, among running: [(id: String, control: any BladeControl)], _ storage: any StorageAdmin) async {
        let plan = live.withLock { live -> (group: String, share: Double, takers: [(id: String, control: any BladeControl, before: Double, sessions: Int?)], now: Int64)? in
            guard let group = live.info[lost]?.group, live.info[lost]?.eventTypes.contains(.action) == true else { return nil }
            let takers = running.filter { live.info[$0.id]?.group == group && live.info[$0.id]?.eventTypes.contains(.action) == true }
            guard !takers.isEmpty else { return nil }
            let share = live.loadFactors[lost] ?? 1
            live.loadFactors[lost] = 0
            return (group, share, takers.map { ($0.id, $0.control, live.loadFactors[$0.id] ?? 1, live.blades[$0.id]?.activeSessions) },
                    Self.nowMilliseconds() - live.start)
        }
        guard let plan else {
            let now = live.withLock { Self.nowMilliseconds() - $0.start }
            try? await storage.alarm(lost, Alarm(date: now, severity: 2, message: "lost: no injector of its group is left to take its share of the load"))
            return
        }
        let part = plan.share / Double(plan.takers.count)
        let names = plan.takers.map(\.id).joined(separator: ", ")
        try? await storage.alarm(lost, Alarm(date: plan.now, severity: 2,
                                             message: "lost: its share of the load (×\(Self.factor(plan.share))) goes to \(names), ×\(Self.factor(part)) each"))
        for taker in plan.takers {
            let after = taker.before + part
            do {
                try await taker.control.scaleLoad(after)
                live.withLock { $0.loadFactors[taker.id] = after }
                let sessions = taker.sessions.map { ", \($0) sessions before" } ?? ""
                try? await storage.alarm(taker.id, Alarm(date: plan.now, severity: 1,
                                                         message: "load rebalanced after \(lost) was lost: ×\(Self.factor(taker.before)) → ×\(Self.factor(after)) of its profile\(sessions)"))
            } catch {
                try? await storage.alarm(taker.id, Alarm(date: plan.now, severity: 2, message: "could not take a part of \(lost)'s load: \(error)"))
            }
        }
    }

    private static func factor(_ value: Double) -> String { String(format: "%.2f", value) }

    /// Flags the injectors of every server whose CPU probe has stayed above the threshold for
    /// longer than allowed: once, with an alarm in each injector's report, and in the live view.
    private func checkSaturation(_ storage: any StorageAdmin) async {
        let threshold = saturationThreshold.value, allowed = Int64(saturationSeconds.value * 1000)
        let flagged = live.withLock { live -> [(blade: String, server: String, since: Int64, now: Int64)] in
            let now = Self.nowMilliseconds() - live.start
            var flagged: [(String, String, Int64, Int64)] = []
            for (id, info) in live.info where info.eventTypes.contains(where: { $0.name == "cpu" }) {
                // A probe that has ended (or whose node is lost) says nothing of now.
                guard let server = info.server["clif.server"], let status = live.blades[id], !Self.hasEnded(status.state),
                      let busy = status.probes["cpu"]?["%busy"] else { continue }
                guard busy > threshold else { live.aboveSince[server] = nil; continue }
                let since = live.aboveSince[server] ?? now
                live.aboveSince[server] = since
                guard now - since > allowed, !live.saturated.contains(server) else { continue }
                live.saturated.insert(server)
                for (injector, other) in live.info where other.server["clif.server"] == server && other.eventTypes.contains(.action)
                    && !Self.hasEnded(live.blades[injector]?.state ?? .running) {
                    live.blades[injector]?.saturated = true
                    flagged.append((injector, server, since, now))
                }
            }
            return flagged
        }
        for (blade, server, since, now) in flagged {
            let message = "saturated: the CPU of server '\(server)' has been above \(Int(threshold)) % since \(since) ms; latencies measured from then on are unreliable"
            try? await storage.alarm(blade, Alarm(date: now, severity: 2, message: message))
        }
    }

    public func status() async throws -> TestStatus {
        live.withLock { live in
            TestStatus(elapsed: Double(Self.nowMilliseconds() - live.start) / 1000,
                       blades: live.blades.values.sorted { $0.id < $1.id }, interval: live.intervals.last ?? live.interval)
        }
    }

    public func suspend() async throws {
        let storage = try storage()
        _ = await parallel(blades) { id, control -> Bool in
            guard self.state(of: id) == .running else { return false }
            await self.record(id, .suspending, storage)
            do {
                try await control.suspend()
                await self.record(id, .suspended, storage)
            } catch {
                await self.record(id, .aborted, storage, reason: "suspend failed: \(error)")
            }
            return true
        }
    }

    public func resume() async throws {
        let storage = try storage()
        _ = await parallel(blades) { id, control -> Bool in
            guard self.state(of: id) == .suspended else { return false }
            await self.record(id, .resuming, storage)
            do {
                try await control.resume()
                await self.record(id, .running, storage)
            } catch {
                await self.record(id, .aborted, storage, reason: "resume failed: \(error)")
            }
            return true
        }
    }

    public func stop() async throws {
        let storage = try storage()
        live.withLock { $0.stopping = true }
        _ = await parallel(blades) { id, control -> Bool in
            guard let state = self.state(of: id), [.starting, .running, .suspending, .suspended, .resuming].contains(state) else { return false }
            await self.record(id, .stopping, storage)
            try? await control.stop()
            return true
        }
    }

    // MARK: Lifecycle records

    private func state(of id: String) -> BladeState? { live.withLock { $0.outcomes[id]?.state } }

    /// Records that blade `id` entered `state`: in the live view and the storage's `lifecycle`.
    private func record(_ id: String, _ state: BladeState, _ storage: any StorageAdmin, reason: String? = nil) async {
        let (outcome, isOpen) = live.withLock { live -> (BladeOutcome, Bool) in
            let outcome = BladeOutcome(id: id, state: state, reason: reason, date: Self.nowMilliseconds() - live.start)
            live.outcomes[id] = outcome
            live.blades[id, default: BladeStatus(id: id, state: state)].state = state
            if !live.opened.contains(id) { live.pending[id, default: []].append(outcome) }
            return (outcome, live.opened.contains(id))
        }
        if isOpen { try? await storage.lifecycle(id, state, date: outcome.date, reason: reason) }
    }

    /// Blade `id`'s report folder is open: the states it went through before go there first.
    private func opened(_ id: String, _ storage: any StorageAdmin) async {
        let pending = live.withLock { live -> [BladeOutcome] in
            live.opened.insert(id)
            return live.pending.removeValue(forKey: id) ?? []
        }
        for outcome in pending { try? await storage.lifecycle(id, outcome.state, date: outcome.date, reason: outcome.reason) }
    }

    private func recordIfNew(_ id: String, _ state: BladeState, _ storage: any StorageAdmin) async {
        guard self.state(of: id) != state else { return }
        await record(id, state, storage)
    }

    /// Runs `body` for every blade at once; returns each one's result by id.
    private func parallel<T: Sendable>(_ blades: [(id: String, control: any BladeControl)],
                                      _ body: @escaping @Sendable (String, any BladeControl) async -> T) async -> [String: T] {
        await withTaskGroup(of: (String, T).self) { group in
            for (id, control) in blades { group.addTask { (id, await body(id, control)) } }
            var results: [String: T] = [:]
            for await (id, result) in group { results[id] = result }
            return results
        }
    }

    static func hasEnded(_ state: BladeState) -> Bool { [.completed, .stopped, .aborted].contains(state) }

    static func nowMilliseconds() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
}
