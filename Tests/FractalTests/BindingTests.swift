import Fractal
import Testing

@Suite struct BindingTests {
    @Test func lookupAfterBindReturnsTheServer() throws {
        let (client, server, _) = try World.boundPair()
        #expect(try client.bindingController.lookup("s") === (try server.interface(named: "s")))
    }

    @Test func lookupAfterUnbindReturnsNothing() throws {
        let (client, _, _) = try World.boundPair()
        try client.bindingController.unbind("s")
        #expect(try client.bindingController.lookup("s") == nil)
    }

    @Test func callThroughABindingReachesTheServerContent() async throws {
        let (client, server, content) = try World.boundPair()
        try await server.lifeCycleController.start()
        try await client.lifeCycleController.start()
        let result = try await client.interface(named: "m").callable(as: (any Main).self).run()
        #expect(result == "ran")
        #expect(content.printed.withLock { $0 } == ["hello"])
    }

    @Test func bindingABoundInterfaceAgainIsAlreadyBound() throws {
        let (client, _, _) = try World.boundPair()
        let (other, _) = try World.server("other")
        expectFractalError(.alreadyBound, naming: ["/client", "s"]) {
            try client.bindingController.bind("s", to: other.interface(named: "s"))
        }
    }

    @Test func bindingToAClientInterfaceIsRefused() throws {
        let (client, _) = try World.client("a")
        let (other, _) = try World.client("b")
        expectFractalError(.notAServerInterface, naming: ["/a", "s", "client-to-client"]) {
            try client.bindingController.bind("s", to: other.interface(named: "s"))
        }
    }

    @Test func bindingAServerInterfaceOfAPrimitiveIsRefused() throws {
        let (server, _) = try World.server("srv")
        let (other, _) = try World.server("other")
        expectFractalError(.notAClientInterface, naming: ["/srv", "s"]) {
            try server.bindingController.bind("s", to: other.interface(named: "s"))
        }
    }

    @Test func bindingToAnIncompatibleSignatureIsRefused() throws {
        let (client, _) = try World.client("needsService")
        let other = try Component.primitive(
            "otherServer", type: ComponentType([InterfaceType(name: "o", signature: OtherProxy.self, role: .server)]),
            content: EchoServer())
        expectFractalError(.signatureMismatch, naming: ["/needsService", "s", "test.Other", "test.Service"]) {
            try client.bindingController.bind("s", to: other.interface(named: "o"))
        }
    }

    @Test func bindingToASubSignatureServerIsAccepted() async throws {
        let (client, _) = try World.client()
        let content = EchoServer()
        let special = try Component.primitive(
            "special", type: ComponentType([InterfaceType(name: "sp", signature: SpecialProxy.self, role: .server)]),
            content: content)
        try client.bindingController.bind("s", to: special.interface(named: "sp"))
        try await special.lifeCycleController.start()
        try await client.lifeCycleController.start()
        _ = try await client.interface(named: "m").callable(as: (any Main).self).run()
        #expect(content.printed.withLock { $0 } == ["hello"])
    }

    @Test func mandatoryClientCannotBindToAnOptionalServer() throws {
        let (client, _) = try World.client("strict")
        let (server, _) = try World.server("maybe", optional: true)
        expectFractalError(.contingencyMismatch, naming: ["/strict", "s", "optional"]) {
            try client.bindingController.bind("s", to: server.interface(named: "s"))
        }
    }

    @Test func optionalClientCanBindToAnOptionalServer() throws {
        let (client, _) = try World.client("relaxed", optional: true)
        let (server, _) = try World.server("maybe", optional: true)
        try client.bindingController.bind("s", to: server.interface(named: "s"))
        #expect(try client.bindingController.lookup("s") != nil)
    }

    @Test func unbindingWhatIsNotBoundIsRefused() throws {
        let (client, _) = try World.client("loose")
        expectFractalError(.notBound, naming: ["/loose", "s"]) {
            try client.bindingController.unbind("s")
        }
    }

    @Test func bindingAnUnknownInterfaceIsNoSuchInterface() throws {
        let (client, _) = try World.client("c1")
        let (server, _) = try World.server()
        expectFractalError(.noSuchInterface, naming: ["/c1", "nope"]) {
            try client.bindingController.bind("nope", to: server.interface(named: "s"))
        }
    }

    @Test func unbindingAnUnknownInterfaceIsNoSuchInterface() throws {
        let (client, _) = try World.client("c2")
        expectFractalError(.noSuchInterface, naming: ["/c2", "nope"]) {
            try client.bindingController.unbind("nope")
        }
    }

    @Test func lookingUpAnUnknownInterfaceIsNoSuchInterface() throws {
        let (client, _) = try World.client("c3")
        expectFractalError(.noSuchInterface, naming: ["/c3", "nope"]) {
            _ = try client.bindingController.lookup("nope")
        }
    }

    @Test func siblingsInOneCompositeBindNormally() throws {
        let parent = try World.composite("parent")
        let (client, server, _) = try World.boundPair(in: parent)
        #expect(try client.bindingController.lookup("s")?.owner === server)
    }

    @Test func componentsInDifferentCompositesAreNotLocal() throws {
        let left = try World.composite("left")
        let right = try World.composite("right")
        let (client, _) = try World.client("c")
        let (server, _) = try World.server("srv")
        try left.contentController.add(client)
        try right.contentController.add(server)
        expectFractalError(.notLocalBinding, naming: ["/left/c", "s", "/right/srv"]) {
            try client.bindingController.bind("s", to: server.interface(named: "s"))
        }
    }

    @Test func topLevelComponentCannotBindIntoAComposite() throws {
        let parent = try World.composite("box")
        let (client, _) = try World.client("outside")
        let (server, _) = try World.server("inside")
        try parent.contentController.add(server)
        expectFractalError(.notLocalBinding, naming: ["/outside", "s"]) {
            try client.bindingController.bind("s", to: server.interface(named: "s"))
        }
    }

    @Test func exportBindsACompositeServerInterfaceToASubComponent() async throws {
        let composite = try World.composite("app", [World.serverType("s")])
        let (server, content) = try World.server("inner")
        try composite.contentController.add(server)
        try composite.bindingController.bind("s", to: server.interface(named: "s"))
        try await composite.lifeCycleController.start()
        try await composite.interface(named: "s").callable(as: (any Service).self).print("through export")
        #expect(content.printed.withLock { $0 } == ["through export"])
    }

    @Test func exportToAComponentOutsideTheCompositeIsNotLocal() throws {
        let composite = try World.composite("app", [World.serverType("s")])
        let (stranger, _) = try World.server("stranger")
        expectFractalError(.notLocalBinding, naming: ["/app", "s", "/stranger"]) {
            try composite.bindingController.bind("s", to: stranger.interface(named: "s"))
        }
    }

    @Test func importBindsASubComponentToItsCompositesClientInterface() async throws {
        let (client, _) = try World.client("inner")
        let (server, content) = try World.server("outside")
        let composite = try World.importingComposite("wrapper", inner: client, outside: server)
        try await server.lifeCycleController.start()
        try await composite.lifeCycleController.start()
        _ = try await composite.interface(named: "m").callable(as: (any Main).self).run()
        #expect(content.printed.withLock { $0 } == ["hello"])
    }

    @Test func importFromAComponentOutsideTheCompositeIsNotLocal() throws {
        let composite = try World.composite("wrapper", [World.clientType("s")])
        let (client, _) = try World.client("notInside")
        expectFractalError(.notLocalBinding, naming: ["/notInside", "s"]) {
            try client.bindingController.bind("s", to: composite.contentController.internalInterface(named: "s"))
        }
    }

    @Test func bindingAStartedComponentThrows() async throws {
        let (client, _) = try World.client("running", optional: true)
        let (server, _) = try World.server()
        try await client.lifeCycleController.start()
        expectFractalError(.illegalLifeCycleState, naming: ["/running", "s"]) {
            try client.bindingController.bind("s", to: server.interface(named: "s"))
        }
    }

    @Test func unbindingAStartedComponentThrows() async throws {
        let (client, server, _) = try World.boundPair()
        try await server.lifeCycleController.start()
        try await client.lifeCycleController.start()
        expectFractalError(.illegalLifeCycleState, naming: ["/client", "s"]) {
            try client.bindingController.unbind("s")
        }
        #expect(try client.bindingController.lookup("s") != nil)
    }

    @Test func collectionMembersBindIndependently() async throws {
        let content = FanClient()
        let fan = try Component.primitive("fan", type: ComponentType([
            World.mainType(), World.clientType("s", optional: true),
            World.clientType("many", cardinality: .collection),
            World.clientType("cast", optional: true, cardinality: .multicast),
        ]), content: content)
        let (a, _) = try World.server("a")
        let (b, _) = try World.server("b")
        try fan.bindingController.bind("many0", to: a.interface(named: "s"))
        try fan.bindingController.bind("many1", to: b.interface(named: "s"))
        #expect(try fan.bindingController.lookup("many0")?.owner === a)
        #expect(try fan.bindingController.lookup("many1")?.owner === b)
        #expect(content.many.members.map(\.name) == ["many0", "many1"])
        try await a.lifeCycleController.start()
        try await b.lifeCycleController.start()
        try await fan.lifeCycleController.start()
        #expect(try await fan.interface(named: "m").callable(as: (any Main).self).run() == "2")
    }

    @Test func listNamesClientInterfacesAndCompositeExports() throws {
        let composite = try World.composite("both", [World.serverType("in"), World.clientType("out")])
        #expect(Set(composite.bindingController.list()) == ["in", "out"])
        let (client, _) = try World.client()
        #expect(client.bindingController.list() == ["s"])
    }

    @Test func callingAnUnboundClientPortThrowsNotBound() async throws {
        let (client, _) = try World.client("unbound", optional: true)
        try await client.lifeCycleController.start()
        await expectFractalError(.notBound, naming: ["/unbound", "s"]) {
            _ = try await client.interface(named: "m").callable(as: (any Main).self).run()
        }
    }

    @Test func unbindingTellsTheContentPort() throws {
        let (client, content) = try World.client("told")
        let (server, _) = try World.server()
        try client.bindingController.bind("s", to: server.interface(named: "s"))
        #expect(content.s.isBound)
        try client.bindingController.unbind("s")
        #expect(!content.s.isBound)
    }
}
