import Fractal
import Testing

@Suite struct InterfaceTests {
    @Test func unknownInterfaceNameIsNoSuchInterface() throws {
        let (server, _) = try World.server("lookupServer")
        expectFractalError(.noSuchInterface, naming: ["/lookupServer", "missing"]) {
            _ = try server.interface(named: "missing")
        }
    }

    @Test func interfaceKnowsItsOwnerNameTypeAndSide() throws {
        let (server, _) = try World.server()
        let s = try server.interface(named: "s")
        #expect(s.owner === server)
        #expect(s.name == "s")
        #expect(s.type == World.serverType())
        #expect(!s.isInternal)
    }

    @Test func collectionMembersAreCreatedOnFirstLookup() throws {
        let content = FanClient()
        let component = try Component.primitive("fan", type: fanType(), content: content)
        let member = try component.interface(named: "many0")
        #expect(member.name == "many0")
        #expect(member.type.name == "many")
        #expect(try component.interface(named: "many0") === member)
    }

    @Test func collectionMembersAreListedOnlyOnceCreated() throws {
        let component = try Component.primitive("fan", type: fanType(), content: FanClient())
        #expect(!component.bindingController.list().contains("manyA"))
        _ = try component.interface(named: "manyA")
        #expect(component.bindingController.list().contains("manyA"))
        #expect(component.interfaces.contains { $0.name == "manyA" })
    }

    @Test func suffixedNameOfASingletonIsNoSuchInterface() throws {
        let (client, _) = try World.client()
        expectFractalError(.noSuchInterface, naming: ["/client", "s0"]) {
            _ = try client.interface(named: "s0")
        }
    }

    @Test func compositeHasAnInternalInterfaceForEachExternalOne() throws {
        let composite = try World.composite("outer", [World.serverType("in"), World.clientType("out")])
        let content = try composite.contentController
        let inside = try content.internalInterface(named: "in")
        #expect(inside.isInternal)
        #expect(inside.owner === composite)
        #expect(inside.type.role == .server)
        #expect(try content.internalInterface(named: "out").isInternal)
        #expect(content.internalInterfaces.count == 2)
        expectFractalError(.noSuchInterface, naming: ["/outer", "nope"]) {
            _ = try content.internalInterface(named: "nope")
        }
    }

    @Test func primitiveHasNoContentController() throws {
        let (server, _) = try World.server("leaf")
        expectFractalError(.noSuchController, naming: ["/leaf", "content-controller"]) {
            _ = try server.contentController
        }
    }

    @Test func serverInterfaceIsCallableFromOutside() async throws {
        let (server, content) = try World.server()
        try await server.lifeCycleController.start()
        try await server.interface(named: "s").callable(as: (any Service).self).print("direct")
        #expect(content.printed.withLock { $0 } == ["direct"])
    }

    @Test func clientInterfaceIsNotCallable() throws {
        let (client, _) = try World.client("caller")
        expectFractalError(.notAServerInterface, naming: ["caller", "s"]) {
            _ = try client.interface(named: "s").callable(as: (any Service).self)
        }
    }

    @Test func serverInterfaceCallableAsAnUnrelatedSignatureIsRefused() throws {
        let (server, _) = try World.server("svc")
        Registry.shared.register(OtherProxy.self)
        expectFractalError(.signatureMismatch, naming: ["/svc", "s", "test.Other"]) {
            _ = try server.interface(named: "s").callable(as: (any Other).self)
        }
    }

    @Test func unregisteredSignatureIsNamedWithTheFix() throws {
        let (server, _) = try World.server("svc")
        expectFractalError(.unknownSignature, naming: ["Unregistered", "UnregisteredProxy"]) {
            _ = try server.interface(named: "s").callable(as: (any Unregistered).self)
        }
    }

    @Test func callableThroughTheProxyTypeNeedsNoRegistration() async throws {
        let (server, content) = try World.server()
        try await server.lifeCycleController.start()
        try await server.interface(named: "s").callable(ServiceProxy.self).print("typed")
        #expect(content.printed.withLock { $0 } == ["typed"])
    }

    private func fanType() throws -> ComponentType {
        try ComponentType([
            World.mainType(),
            World.clientType("s", optional: true),
            World.clientType("many", optional: true, cardinality: .collection),
            World.clientType("cast", optional: true, cardinality: .multicast),
        ])
    }
}
