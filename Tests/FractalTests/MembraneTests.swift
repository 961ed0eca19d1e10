@testable import Fractal
import Synchronization
import Testing

@Interface("test.Monitor")
protocol Monitor: Sendable {
    func calls() async throws -> Int
}

/// A membrane component: counts the calls of the Service it intercepts, passes them on
/// through `next`, reports each one through `report` when that is bound, and serves the
/// count as Monitor.
final class MembraneCounter: Service, Monitor, LifeCycleAware {
    let next = Client<any Service>("next")
    let report = Client<any Service>("report")
    let count = Mutex(0)
    let events = Mutex<[String]>([])

    func print(_ message: String) async throws {
        count.withLock { $0 += 1 }
        if report.isBound { try await report().print("saw \(message)") }
        try await next().print(message)
    }

    func echo(_ value: Int) async throws -> Int {
        count.withLock { $0 += 1 }
        return try await next().echo(value) * 10
    }

    func calls() async throws -> Int { count.withLock { $0 } }
    func started() async throws { events.withLock { $0.append("started") } }
    func stopped() async { events.withLock { $0.append("stopped") } }
}

/// A membrane component that serves Monitor by asking another Monitor (a sub-component's).
final class MonitorRelay: Monitor {
    let inner = Client<any Monitor>("inner")
    func calls() async throws -> Int { try await inner().calls() + 1000 }
}

/// A membrane component that tunes its component through the component's attribute controller.
final class PrefixTuner: Other {
    let attributes = Client<any AttributeControl>("attributes")
    func other() async throws -> String {
        let before = try await attributes().attribute("prefix")
        try await attributes().setAttribute("prefix", to: before + ">")
        return try await attributes().attribute("prefix")
    }
}

private enum Membranes {
    static let monitorServer = InterfaceType(name: "monitor-controller", signature: MonitorProxy.self, role: .server)

    static func counter(reporting: Bool = false) throws -> (Component, MembraneCounter) {
        let content = MembraneCounter()
        var types = [
            World.serverType("s"),
            InterfaceType(name: "monitor", signature: MonitorProxy.self, role: .server),
            World.clientType("next"),
        ]
        types.append(World.clientType("report", optional: !reporting))
        return (try Component.primitive("counter", type: ComponentType(types), content: content), content)
    }

    /// `server` whose `s` goes through a counter in its membrane, read as `monitor-controller`.
    static func countedServer(reporting: Bool = false) throws -> (server: Component, content: EchoServer, counter: Component, counted: MembraneCounter) {
        let (server, content) = try World.server()
        var interfaces = [MembraneInterfaceType(monitorServer)]
        if reporting {
            interfaces.append(MembraneInterfaceType(InterfaceType(name: "report-controller", signature: ServiceProxy.self, role: .client)))
        }
        let membrane = try server.makeMembrane(interfaces: interfaces)
        let (counter, counted) = try Membranes.counter(reporting: reporting)
        try membrane.add(counter)
        try membrane.bind("this.s", to: "counter.s")
        try membrane.bind("counter.next", to: "this.s")
        try membrane.bind("this.monitor-controller", to: "counter.monitor")
        if reporting { try membrane.bind("counter.report", to: "this.report-controller") }
        return (server, content, counter, counted)
    }
}

@Suite("Membranes of components")
struct MembraneTests {
    @Test func aMembraneComponentInterceptsCallsAndIsReadThroughANonFunctionalInterface() async throws {
        let (server, content, counter, _) = try Membranes.countedServer()
        let (client, _) = try World.client()
        try client.bindingController.bind("s", to: server.interface(named: "s"))
        try await server.lifeCycleController.start()
        try await client.lifeCycleController.start()

        #expect(try await client.interface(named: "m").callable(as: (any Main).self).run() == "ran")
        #expect(content.printed.withLock { $0 } == ["hello"])
        let echoed = try await server.interface(named: "s").callable(as: (any Service).self).echo(4)
        #expect(echoed == 40, "the counter multiplies what the content returns: the call went through it")
        let monitor = try server.interface(named: "monitor-controller").callable(as: (any Monitor).self)
        #expect(try await monitor.calls() == 2)
        #expect(counter.path == "/server/(membrane)/counter")
        #expect(try server.membraneController.interfaces.map(\.name) == ["monitor-controller"])
    }

    @Test func theMembraneStartsAndStopsWithItsComponent() async throws {
        let (server, _, counter, counted) = try Membranes.countedServer()
        #expect(counter.lifeCycleController.state == .stopped)
        try await server.lifeCycleController.start()
        #expect(counter.lifeCycleController.state == .started)
        #expect(counted.events.withLock { $0 } == ["started"])
        try await server.lifeCycleController.stop()
        #expect(counter.lifeCycleController.state == .stopped)
        #expect(counted.events.withLock { $0 } == ["started", "stopped"])
    }

    @Test func aMandatoryMembraneInterfaceLeftUnboundKeepsTheComponentStopped() async throws {
        let (server, _) = try World.server()
        try server.makeMembrane(interfaces: [MembraneInterfaceType(Membranes.monitorServer)])
        let error = await fractalError { try await server.lifeCycleController.start() }
        #expect(error?.kind == .mandatoryInterfaceUnbound)
        #expect(error?.interface == "monitor-controller")
        #expect(error?.component == "/server/(membrane)")
        #expect(server.lifeCycleController.state == .stopped)
    }

    @Test func anExternalClientOfTheMembraneIsBoundByTheComponentsParent() async throws {
        let (server, content, _, _) = try Membranes.countedServer(reporting: true)
        let (sink, sinkContent) = try World.server("sink")
        let top = try World.composite("top")
        try top.contentController.add(server)
        try top.contentController.add(sink)
        #expect(server.bindingController.list().contains("report-controller"))
        try server.bindingController.bind("report-controller", to: sink.interface(named: "s"))
        #expect(try server.bindingController.lookup("report-controller") === (try sink.interface(named: "s")))
        try await top.lifeCycleController.start()
        try await server.interface(named: "s").callable(as: (any Service).self).print("x")
        #expect(content.printed.withLock { $0 } == ["x"])
        #expect(sinkContent.printed.withLock { $0 } == ["saw x"])
        try await top.lifeCycleController.stop()
    }

    @Test func anInternalClientOfTheMembraneReachesASubComponentsMembrane() async throws {
        let (inner, _, _, _) = try Membranes.countedServer()
        let host = try World.composite("host", [World.serverType("s")])
        try host.contentController.add(inner)
        try host.bindingController.bind("s", to: inner.interface(named: "s"))
        let membrane = try host.makeMembrane(interfaces: [
            MembraneInterfaceType(Membranes.monitorServer),
            MembraneInterfaceType(InterfaceType(name: "inner-monitor", signature: MonitorProxy.self, role: .client), isInternal: true),
        ])
        let relay = try Component.primitive("relay", type: ComponentType([
            InterfaceType(name: "monitor", signature: MonitorProxy.self, role: .server),
            InterfaceType(name: "inner", signature: MonitorProxy.self, role: .client),
        ]), content: MonitorRelay())
        try membrane.add(relay)
        try membrane.bind("this.inner-monitor", to: "server.monitor-controller")
        try membrane.bind("relay.inner", to: "this.inner-monitor")
        try membrane.bind("this.monitor-controller", to: "relay.monitor")
        #expect(fractalError { _ = try host.interface(named: "inner-monitor") }?.kind == .noSuchInterface,
                "an internal interface of the membrane is not shown outside")

        try await host.lifeCycleController.start()
        _ = try await host.interface(named: "s").callable(as: (any Service).self).echo(1)
        let monitor = try host.interface(named: "monitor-controller").callable(as: (any Monitor).self)
        #expect(try await monitor.calls() == 1001)
        #expect(Set(membrane.bindings.map { "\($0.client) -> \($0.server)" }) == [
            "this.inner-monitor -> server.monitor-controller",
            "relay.inner -> this.inner-monitor",
            "this.monitor-controller -> relay.monitor",
        ])
        try await host.lifeCycleController.stop()
    }

    @Test func routingAnInterfaceThatClientsAlreadyCallIsRefused() throws {
        let (server, _) = try World.server()
        let (client, _) = try World.client()
        try client.bindingController.bind("s", to: server.interface(named: "s"))
        let membrane = try server.makeMembrane(interfaces: [])
        let (counter, _) = try Membranes.counter()
        try membrane.add(counter)
        let error = fractalError { try membrane.bind("this.s", to: "counter.s") }
        #expect(error?.kind == .alreadyBound)
        #expect(error?.message.contains("make the membrane's bindings before binding its clients") == true)
    }

    @Test func badMembraneBindingsNameWhatIsWrong() throws {
        let (server, _) = try World.server()
        let membrane = try server.makeMembrane(interfaces: [
            MembraneInterfaceType(Membranes.monitorServer),
            MembraneInterfaceType(InterfaceType(name: "report-controller", signature: ServiceProxy.self, role: .client)),
        ])
        let (counter, _) = try Membranes.counter()
        try membrane.add(counter)
        let unknown = fractalError { try membrane.bind("this.monitor-controller", to: "nobody.monitor") }
        #expect(unknown?.kind == .notASubComponent)
        #expect(unknown?.message.contains("(it has: counter)") == true)
        let outward = fractalError { try membrane.bind("this.report-controller", to: "counter.s") }
        #expect(outward?.kind == .notLocalBinding)
        let missing = fractalError { try membrane.bind("this.nothing", to: "counter.s") }
        #expect(missing?.kind == .noSuchInterface)
        #expect(missing?.message.contains("monitor-controller") == true)
        let duplicate = fractalError { _ = try World.server().0.makeMembrane(interfaces: [MembraneInterfaceType(World.serverType("s"))]) }
        #expect(duplicate?.kind == .duplicateInterfaceName)
        #expect(fractalError { _ = try World.server().0.membraneController }?.kind == .noSuchController)
    }

    @Test func aMembraneComponentReadsAndSetsItsComponentsAttributes() async throws {
        let (server, content) = try World.server()
        try server.attributeController.set("prefix", "a")
        let membrane = try server.makeMembrane(interfaces: [
            MembraneInterfaceType(InterfaceType(name: "tuning-controller", signature: OtherProxy.self, role: .server)),
        ])
        let tuner = try Component.primitive("tuner", type: ComponentType([
            InterfaceType(name: "tune", signature: OtherProxy.self, role: .server),
            InterfaceType(name: "attributes", signature: AttributeControlProxy.self, role: .client),
        ]), content: PrefixTuner())
        try membrane.add(tuner)
        try membrane.bind("tuner.attributes", to: "this.attribute-controller")
        try membrane.bind("this.tuning-controller", to: "tuner.tune")
        #expect(membrane.bindings.contains { $0 == ("tuner.attributes", "this.attribute-controller") })
        try await server.lifeCycleController.start()
        #expect(try await server.interface(named: "tuning-controller").callable(as: (any Other).self).other() == "a>")
        try await server.interface(named: "s").callable(as: (any Service).self).print("x")
        #expect(content.printed.withLock { $0 } == ["a>x"])
        try await server.lifeCycleController.stop()

        // Outside the membrane, the attribute controller cannot be bound to.
        let outsider = try Component.primitive("outsider", type: ComponentType([
            InterfaceType(name: "tune", signature: OtherProxy.self, role: .server),
            InterfaceType(name: "attributes", signature: AttributeControlProxy.self, role: .client),
        ]), content: PrefixTuner())
        let refused = fractalError { try outsider.bindingController.bind("attributes", to: ControllerInterface(owner: server)) }
        #expect(refused?.kind == .notLocalBinding)
    }

    @Test func theMembraneIsPartOfTheSnapshotAndTheTree() async throws {
        let (server, _, _, _) = try Membranes.countedServer()
        let snapshot = server.snapshot()
        let membrane = try #require(snapshot.membrane?.first)
        #expect(membrane.path == "/server/(membrane)")
        #expect(membrane.interfaces.map(\.name) == ["monitor-controller"])
        #expect(membrane.interfaces[0].boundTo == ["/server/(membrane)/counter#monitor"])
        #expect(membrane.subComponents.map(\.name) == ["counter"])
        let tree = server.architectureTree()
        #expect(tree.contains("(membrane)  composite"))
        #expect(tree.contains("counter  primitive MembraneCounter"))
    }
}
