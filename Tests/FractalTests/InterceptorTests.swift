@testable import Fractal
import Synchronization
import Testing

// MARK: - Helpers (prefixed `Interception` so they don't clash with other test files)

/// A log shared by several interceptors.
final class InterceptionLog: Sendable {
    private let entries = Mutex<[String]>([])
    func append(_ entry: String) { entries.withLock { $0.append(entry) } }
    var all: [String] { entries.withLock { $0 } }
}

/// Writes "<label> before" and "<label> after" around `proceed()`.
struct InterceptionRecorder: Interceptor {
    let label: String
    let log: InterceptionLog

    func intercept(_ invocation: Invocation, proceed: () async throws -> any Sendable) async throws -> any Sendable {
        log.append("\(label) before")
        let result = try await proceed()
        log.append("\(label) after")
        return result
    }
}

/// What an ``InterceptionSpy`` saw of one call.
struct InterceptionSeen: Sendable {
    var componentPath: String
    var interface: String
    var method: String
    var arguments: [any Codable & Sendable]
    var isRemote: Bool
    var result: (any Sendable)?
    var error: (any Error)?
}

/// Records every call it sees, with its outcome, and lets it through.
final class InterceptionSpy: Interceptor {
    private let seenCalls = Mutex<[InterceptionSeen]>([])
    var seen: [InterceptionSeen] { seenCalls.withLock { $0 } }

    func intercept(_ invocation: Invocation, proceed: () async throws -> any Sendable) async throws -> any Sendable {
        var entry = InterceptionSeen(
            componentPath: invocation.componentPath, interface: invocation.interface, method: invocation.method,
            arguments: invocation.arguments, isRemote: invocation.isRemote)
        do {
            let result = try await proceed()
            entry.result = result
            seenCalls.withLock { $0.append(entry) }
            return result
        } catch {
            entry.error = error
            seenCalls.withLock { $0.append(entry) }
            throw error
        }
    }
}

struct InterceptionRefusal: Error, Equatable {
    var reason: String
}

/// Refuses every call without calling `proceed`.
struct InterceptionGatekeeper: Interceptor {
    func intercept(_ invocation: Invocation, proceed: () async throws -> any Sendable) async throws -> any Sendable {
        throw InterceptionRefusal(reason: "refused \(invocation.method)")
    }
}

/// Returns a String whatever the method returns.
struct InterceptionLiar: Interceptor {
    func intercept(_ invocation: Invocation, proceed: () async throws -> any Sendable) async throws -> any Sendable {
        _ = try await proceed()
        return "not what the method returns"
    }
}

enum InterceptionWorld {
    static func shopType(_ name: String = "shop") -> InterfaceType {
        InterfaceType(name: name, signature: ShopProxy.self, role: .server)
    }

    /// A started primitive serving Shop as `shop`.
    static func startedShop(_ name: String) async throws -> Component {
        let shop = try Component.primitive(name, type: ComponentType([shopType()]), content: ShopImpl())
        try await shop.lifeCycleController.start()
        return shop
    }

    /// A started EchoServer serving Service as `s`.
    static func startedServer(_ name: String) async throws -> (Component, EchoServer) {
        let (server, content) = try World.server(name)
        try await server.lifeCycleController.start()
        return (server, content)
    }
}

// MARK: - Tests

@Suite struct InterceptorTests {
    @Test func beforePartsRunInOrderAndAfterPartsInReverse() async throws {
        let (server, _) = try await InterceptionWorld.startedServer("orderedServer")
        let log = InterceptionLog()
        for label in ["A", "B", "C"] {
            try server.interceptorController.add(InterceptionRecorder(label: label, log: log), to: "s")
        }
        let result = try await server.interface(named: "s").callable(as: (any Service).self).echo(7)
        #expect(result == 7)
        #expect(log.all == ["A before", "B before", "C before", "C after", "B after", "A after"])
    }

    @Test func interceptorSeesPathInterfaceMethodAndArguments() async throws {
        let outer = try World.composite("interceptedOuter")
        defer { withExtendedLifetime(outer) {} }
        let (server, _) = try World.server("spied")
        try outer.contentController.add(server)
        try await outer.lifeCycleController.start()
        let spy = InterceptionSpy()
        try server.interceptorController.add(spy, to: "s")

        _ = try await server.interface(named: "s").callable(as: (any Service).self).echo(42)

        let seen = try #require(spy.seen.first)
        #expect(spy.seen.count == 1)
        #expect(seen.componentPath == "/interceptedOuter/spied")
        #expect(seen.interface == "s")
        #expect(seen.method == "echo(_:)")
        #expect(seen.arguments.count == 1)
        #expect(seen.arguments.first as? Int == 42)
        #expect(!seen.isRemote)
    }

    @Test func interceptorSeesArgumentsOfSeveralParametersInOrder() async throws {
        let shop = try await InterceptionWorld.startedShop("argShop")
        let spy = InterceptionSpy()
        try shop.interceptorController.add(spy, to: "shop")
        let order = Order(id: 3, items: ["pen"], total: 1.5, note: nil)

        _ = try await shop.interface(named: "shop").callable(as: (any Shop).self).place(order, priority: true)

        let seen = try #require(spy.seen.first)
        #expect(seen.method == "place(_:priority:)")
        #expect(seen.arguments.count == 2)
        #expect(seen.arguments.first as? Order == order)
        #expect(seen.arguments.last as? Bool == true)
    }

    @Test func interceptorObservesTheResult() async throws {
        let shop = try await InterceptionWorld.startedShop("resultShop")
        let spy = InterceptionSpy()
        try shop.interceptorController.add(spy, to: "shop")

        let placed = try await shop.interface(named: "shop").callable(as: (any Shop).self)
            .place(Order(id: 9, items: ["a", "b"], total: 10, note: nil), priority: true)

        let seen = try #require(spy.seen.first)
        let observed = try #require(seen.result as? Order)
        #expect(observed == placed)
        #expect(observed.total == 20)
        #expect(observed.note == "placed")
        #expect(seen.error == nil)
    }

    @Test func interceptorSeesNothingAsTheResultOfAVoidMethod() async throws {
        let shop = try await InterceptionWorld.startedShop("voidShop")
        let spy = InterceptionSpy()
        try shop.interceptorController.add(spy, to: "shop")

        try await shop.interface(named: "shop").callable(as: (any Shop).self).nothing()

        let seen = try #require(spy.seen.first)
        #expect(seen.method == "nothing()")
        #expect(seen.result is Nothing)
    }

    @Test func interceptorObservesAThrownError() async throws {
        let shop = try await InterceptionWorld.startedShop("failingShop")
        let spy = InterceptionSpy()
        try shop.interceptorController.add(spy, to: "shop")
        let proxy = try shop.interface(named: "shop").callable(as: (any Shop).self)

        await #expect(throws: ShopError.self) { _ = try await proxy.fail("sold out") }

        let seen = try #require(spy.seen.first)
        #expect(seen.method == "fail(_:)")
        #expect(seen.result == nil)
        let error = try #require(seen.error as? ShopError)
        #expect(error.reason == "sold out")
    }

    @Test func interceptorCanRejectACallByThrowing() async throws {
        let (server, content) = try await InterceptionWorld.startedServer("guardedServer")
        try server.interceptorController.add(InterceptionGatekeeper(), to: "s")
        let proxy = try server.interface(named: "s").callable(as: (any Service).self)

        await #expect(throws: InterceptionRefusal(reason: "refused print(_:)")) {
            try await proxy.print("should not arrive")
        }
        #expect(content.printed.withLock { $0 }.isEmpty)
    }

    @Test func interceptorReturningTheWrongTypeFailsWithInvalidType() async throws {
        let (server, _) = try await InterceptionWorld.startedServer("liedToServer")
        try server.interceptorController.add(InterceptionLiar(), to: "s")
        let proxy = try server.interface(named: "s").callable(as: (any Service).self)

        await expectFractalError(.invalidType, naming: ["/liedToServer", "s"]) {
            _ = try await proxy.echo(1)
        }
    }

    @Test func callStatisticsCountCallsErrorsAndLatenciesPerMethod() async throws {
        let shop = try await InterceptionWorld.startedShop("countedShop")
        let statistics = CallStatistics()
        try shop.interceptorController.add(statistics, to: "shop")
        let proxy = try shop.interface(named: "shop").callable(as: (any Shop).self)

        for id in 0..<3 { _ = try await proxy.place(Order(id: id, items: [], total: 1, note: nil), priority: false) }
        for reason in ["a", "b"] { _ = try? await proxy.fail(reason) }

        let place = try #require(statistics["shop.place(_:priority:)"])
        #expect(place.calls == 3)
        #expect(place.errors == 0)
        #expect(place.latency.totalCount == 3)
        let fail = try #require(statistics["shop.fail(_:)"])
        #expect(fail.calls == 2)
        #expect(fail.errors == 2)
        #expect(fail.latency.totalCount == 2)
        #expect(statistics["shop.nothing()"] == nil)
        #expect(Set(statistics.snapshot.keys) == ["shop.place(_:priority:)", "shop.fail(_:)"])
    }

    @Test func interceptorOnACompositeServerInterfaceSeesCalls() async throws {
        let composite = try World.composite("interceptedComposite", [World.serverType("s")])
        let (inner, _) = try World.server("inner")
        try composite.contentController.add(inner)
        try composite.bindingController.bind("s", to: inner.interface(named: "s"))
        try await composite.lifeCycleController.start()
        let spy = InterceptionSpy()
        try composite.interceptorController.add(spy, to: "s")

        let result = try await composite.interface(named: "s").callable(as: (any Service).self).echo(5)

        #expect(result == 5)
        let seen = try #require(spy.seen.first)
        #expect(spy.seen.count == 1)
        #expect(seen.componentPath == "/interceptedComposite")
        #expect(seen.interface == "s")
        #expect(seen.method == "echo(_:)")
        #expect(seen.arguments.first as? Int == 5)
        #expect(seen.result as? Int == 5)
    }

    @Test func interceptorSeesRemoteCallsAsRemoteAndLocalOnesAsLocal() async throws {
        let (server, _) = try await InterceptionWorld.startedServer("remotelyCalled")
        let spy = InterceptionSpy()
        try server.interceptorController.add(spy, to: "s")
        let exports = ExportTable()
        try exports.export(server.interface(named: "s"), as: "interceptedService")
        let remote = try remoteProxy((any Service).self, exportedAs: "interceptedService", over: LoopbackChannel(exports))
        let local = try server.interface(named: "s").callable(as: (any Service).self)

        #expect(try await remote.echo(1) == 1)
        #expect(try await local.echo(2) == 2)

        let seen = spy.seen
        #expect(seen.count == 2)
        let remoteCall = try #require(seen.first { $0.arguments.first as? Int == 1 })
        let localCall = try #require(seen.first { $0.arguments.first as? Int == 2 })
        #expect(remoteCall.isRemote)
        #expect(!localCall.isRemote)
        #expect(remoteCall.method == "echo(_:)")
        #expect(remoteCall.componentPath == "/remotelyCalled")
    }

    @Test func interceptorOnOneInterfaceDoesNotSeeAnotherInterfacesCalls() async throws {
        let type = try ComponentType([
            World.serverType("s"),
            InterfaceType(name: "o", signature: OtherProxy.self, role: .server),
        ])
        let server = try Component.primitive("twoFaced", type: type, content: EchoServer())
        try await server.lifeCycleController.start()
        let spy = InterceptionSpy()
        try server.interceptorController.add(spy, to: "s")

        #expect(try await server.interface(named: "o").callable(as: (any Other).self).other() == "other")
        #expect(spy.seen.isEmpty)

        _ = try await server.interface(named: "s").callable(as: (any Service).self).echo(1)
        #expect(spy.seen.map(\.interface) == ["s"])
    }

    @Test func interceptorAddedWithoutANameGoesOnEveryServerInterface() async throws {
        let type = try ComponentType([
            World.serverType("s"),
            InterfaceType(name: "o", signature: OtherProxy.self, role: .server),
        ])
        let server = try Component.primitive("allIntercepted", type: type, content: EchoServer())
        try await server.lifeCycleController.start()
        let spy = InterceptionSpy()
        try server.interceptorController.add(spy)

        _ = try await server.interface(named: "o").callable(as: (any Other).self).other()
        _ = try await server.interface(named: "s").callable(as: (any Service).self).echo(1)

        #expect(spy.seen.map(\.interface) == ["o", "s"])
        #expect(try server.interceptorController.interceptors(of: "o").count == 1)
        #expect(try server.interceptorController.interceptors(of: "s").count == 1)
    }

    @Test func interceptorOnAClientInterfaceIsRefused() throws {
        let (client, _) = try World.client("interceptedClient")
        expectFractalError(.notAServerInterface, naming: ["/interceptedClient", "s"]) {
            try client.interceptorController.add(InterceptionSpy(), to: "s")
        }
    }

    @Test func removeAllStopsInterception() async throws {
        let (server, _) = try await InterceptionWorld.startedServer("unInterceptedServer")
        let spy = InterceptionSpy()
        let log = InterceptionLog()
        try server.interceptorController.add(spy, to: "s")
        try server.interceptorController.add(InterceptionRecorder(label: "R", log: log), to: "s")
        let proxy = try server.interface(named: "s").callable(as: (any Service).self)

        _ = try await proxy.echo(1)
        #expect(spy.seen.count == 1)
        #expect(log.all.count == 2)

        try server.interceptorController.removeAll(from: "s")
        #expect(try server.interceptorController.interceptors(of: "s").isEmpty)
        #expect(try await proxy.echo(2) == 2)
        #expect(spy.seen.count == 1)
        #expect(log.all.count == 2)
    }
}
