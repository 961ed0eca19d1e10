import ClifComponents
import ClifCore
import Fractal
import Synchronization
import Testing

/// The supervisor against blades and a storage of the test's own.
@Suite("Supervisor")
struct SupervisorTests {
    /// A blade that reports what the test sets, and ends when told.
    final class FakeBlade: BladeControl {
        let id: String
        let types: [EventType]
        let server: String
        let state = Mutex(BladeState.deployed)
        let probes = Mutex<[String: [Double]]>([:])
        let failsInit: Bool
        let group: String?
        /// Once lost, every call fails as a call to a lost node does.
        let lost = Atomic<Bool>(false)

        init(_ id: String, types: [EventType], server: String, failsInit: Bool = false, group: String? = nil) {
            self.id = id
            self.types = types
            self.server = server
            self.failsInit = failsInit
            self.group = group
        }

        func end(_ final: BladeState) { state.withLock { $0 = final } }
        func lose() { lost.store(true, ordering: .relaxed) }

        func initialize(_ test: TestInfo) async throws -> BladeInfo {
            if failsInit { throw BladeError("no such scenario") }
            state.withLock { $0 = .initialized }
            return BladeInfo(id: id, eventTypes: types, server: ["clif.server": server], group: group)
        }
        func start() async throws { state.withLock { $0 = .running } }
        func suspend() async throws {}
        func resume() async throws {}
        func stop() async throws { state.withLock { $0 = .stopped } }
        let factors = Mutex<[Double]>([])
        func scaleLoad(_ factor: Double) async throws { factors.withLock { $0.append(factor) } }
        func join() async throws -> BladeState { state.withLock { $0 } }
        func collect() async throws -> Int { 0 }
        func state() async throws -> BladeState { state.withLock { $0 } }
        func statistics() async throws -> BladeSnapshot {
            if lost.load(ordering: .relaxed) { throw FractalError(.remoteFailure, "node of \(id) lost") }
            return BladeSnapshot(state: state.withLock { $0 }, interval: IntervalStatistics(second: 0), probes: probes.withLock { $0 })
        }
    }

    /// Keeps the lifecycle and the alarms.
    final class MemoryStorage: StorageAdmin {
        let states = Mutex<[String: [BladeState]]>([:])
        let alarms = Mutex<[String: [Alarm]]>([:])
        let reasons = Mutex<[String: String]>([:])

        func openTest(_ test: TestInfo, plan: String) async throws -> String { "memory" }
        func openBlade(_ blade: BladeInfo) async throws {}
        func lifecycle(_ blade: String, _ state: BladeState, date: Int64, reason: String?) async throws {
            states.withLock { $0[blade, default: []].append(state) }
            if let reason { reasons.withLock { $0[blade] = reason } }
        }
        func alarm(_ blade: String, _ alarm: Alarm) async throws { alarms.withLock { $0[blade, default: []].append(alarm) } }
        func closeTest() async throws -> String { "memory" }
    }

    struct World {
        let supervisor: Component
        let control: any TestControl
        let storage = MemoryStorage()

        init(_ blades: [FakeBlade], onInjectorLoss: String = "continue") async throws {
            let registry = Registry()
            ClifComponents.register(in: registry)
            let content = Supervisor()
            content.period.value = 20
            content.saturationSeconds.value = 0.1
            content.onInjectorLoss.value = onInjectorLoss
            supervisor = try Component.primitive("supervisor", type: ComponentType([
                InterfaceType(name: "control", signature: TestControlProxy.self, role: .server),
                InterfaceType(name: "blade", signature: BladeControlProxy.self, role: .client, cardinality: .collection),
                InterfaceType(name: "storage", signature: StorageAdminProxy.self, role: .client),
            ]), content: content, registry: registry)
            let storageComponent = try Component.primitive("storage", type: ComponentType([
                InterfaceType(name: "admin", signature: StorageAdminProxy.self, role: .server)]), content: storage, registry: registry)
            try supervisor.bindingController.bind("storage", to: storageComponent.interface(named: "admin"))
            for blade in blades {
                let component = try Component.primitive(blade.id, type: ComponentType([
                    InterfaceType(name: "control", signature: BladeControlProxy.self, role: .server)]), content: blade, registry: registry)
                try supervisor.bindingController.bind("blade-\(blade.id)", to: component.interface(named: "control"))
                try await component.lifeCycleController.start()
            }
            try await storageComponent.lifeCycleController.start()
            try await supervisor.lifeCycleController.start()
            control = try supervisor.interface(named: "control").callable(as: (any TestControl).self)
        }
    }

    @Test func anInjectorWhoseNodeStaysSaturatedIsFlaggedInTheLiveViewAndTheReport() async throws {
        let injector = FakeBlade("inj1", types: [.action], server: "n1")
        let calm = FakeBlade("inj2", types: [.action], server: "n2")
        let probe = FakeBlade("cpu-n1", types: [EventType(name: "cpu", labels: ["%busy", "%user", "%system", "%iowait"])], server: "n1")
        let quiet = FakeBlade("cpu-n2", types: [EventType(name: "cpu", labels: ["%busy", "%user", "%system", "%iowait"])], server: "n2")
        probe.probes.withLock { $0 = ["cpu": [97, 90, 7, 0]] }
        quiet.probes.withLock { $0 = ["cpu": [40, 35, 5, 0]] }
        let world = try await World([injector, calm, probe, quiet])
        let running = Task { try await world.control.run(TestRequest(name: "t", plan: "")) }
        // Bounded generously: beside the whole suite, the supervisor's ticks may wait behind other tests.
        try await eventually("the saturation alarm", limit: 60) { !(world.storage.alarms.withLock { $0["inj1"] } ?? []).isEmpty }
        let status = try await world.control.status()
        #expect(status.blades.first { $0.id == "inj1" }?.saturated == true)
        #expect(status.blades.first { $0.id == "inj2" }?.saturated == false)
        injector.end(.completed)
        calm.end(.completed)
        let outcome = try await running.value
        #expect(world.storage.alarms.withLock { $0["inj2"] } == nil)
        let alarm = try #require(world.storage.alarms.withLock { $0["inj1"] }?.first)
        #expect(alarm.severity == 2 && alarm.message.contains("server 'n1'") && alarm.message.contains("unreliable"))
        // Probes stop with the last injector.
        #expect(outcome.blades.first { $0.id == "cpu-n1" }?.state == .stopped)
        #expect(world.storage.states.withLock { $0["inj1"] } == [.initializing, .initialized, .starting, .running, .completed])
    }

    @Test func aBladeThatCannotInitializeIsAbortedAndTheOthersRun() async throws {
        let broken = FakeBlade("inj1", types: [.action], server: "n1", failsInit: true)
        let fine = FakeBlade("inj2", types: [.action], server: "n2")
        let world = try await World([broken, fine])
        let running = Task { try await world.control.run(TestRequest(name: "t", plan: "")) }
        try await eventually("inj2 running", limit: 60) { world.storage.states.withLock { $0["inj2"]?.last } == .running }
        fine.end(.completed)
        let outcome = try await running.value
        #expect(outcome.blades.first { $0.id == "inj1" }?.state == .aborted)
        #expect(outcome.blades.first { $0.id == "inj1" }?.reason?.contains("no such scenario") == true)
        #expect(world.storage.states.withLock { $0["inj1"] } == [.initializing, .aborted])
        #expect(outcome.blades.first { $0.id == "inj2" }?.state == .completed)
    }

    @Test(arguments: ["rebalance", "continue"])
    func aLostInjectorsShareGoesToTheInjectorsOfItsGroupLeft(policy: String) async throws {
        let blades = [FakeBlade("inj1", types: [.action], server: "n1", group: "a.xis"), FakeBlade("inj2", types: [.action], server: "n2", group: "a.xis"),
                      FakeBlade("inj3", types: [.action], server: "n3", group: "a.xis"), FakeBlade("other", types: [.action], server: "n4", group: "b.xis")]
        let world = try await World(blades, onInjectorLoss: policy)
        let running = Task { try await world.control.run(TestRequest(name: "t", plan: "")) }
        try await eventually("all running", limit: 60) { blades.allSatisfy { blade in world.storage.states.withLock { $0[blade.id]?.last } == .running } }
        blades[1].lose()
        try await eventually("inj2 aborted", limit: 60) { world.storage.states.withLock { $0["inj2"]?.last } == .aborted }
        if policy == "rebalance" {
            try await eventually("inj1 and inj3 rescaled", limit: 60) { blades[0].factors.withLock { $0 } == [1.5] && blades[2].factors.withLock { $0 } == [1.5] }
            // The second loss of the group: its last injector takes both shares.
            blades[2].lose()
            try await eventually("inj1 rescaled again", limit: 60) { blades[0].factors.withLock { $0 } == [1.5, 3] }
            let alarms = world.storage.alarms.withLock { $0 }
            #expect(alarms["inj2"]?.contains { $0.message.contains("goes to inj1, inj3, ×0.50 each") } == true)
            #expect(alarms["inj1"]?.contains { $0.message.contains("after inj2 was lost: ×1.00 → ×1.50") } == true)
            #expect(alarms["inj1"]?.contains { $0.message.contains("after inj3 was lost: ×1.50 → ×3.00") } == true)
        } else {
            // Give the supervisor a look more, to see that it does nothing.
            blades[2].lose()
            try await eventually("inj3 aborted", limit: 60) { world.storage.states.withLock { $0["inj3"]?.last } == .aborted }
            #expect(blades[0].factors.withLock { $0 }.isEmpty)
        }
        #expect(blades[3].factors.withLock { $0 }.isEmpty)
        for blade in [blades[0], blades[3]] { blade.end(.completed) }
        _ = try await running.value
    }
}
