import Fractal
import Testing

@Suite struct TypeTests {
    @Test func duplicateInterfaceNamesAreRefused() {
        expectFractalError(.duplicateInterfaceName, naming: ["s"]) {
            _ = try ComponentType([World.serverType("s"), World.clientType("s")])
        }
    }

    @Test func collectionInterfaceReservesNamesStartingWithIt() {
        expectFractalError(.collectionNameConflict, naming: ["itemsX", "items"]) {
            _ = try ComponentType([World.clientType("items", cardinality: .collection), World.serverType("itemsX")])
        }
    }

    @Test func emptyInterfaceNameIsRefused() {
        expectFractalError(.invalidType) { _ = try ComponentType([World.serverType("")]) }
    }

    @Test func interfaceTypeReportsRoleContingencyAndCardinality() {
        let type = World.clientType("c", optional: true, cardinality: .collection)
        #expect(type.isClient)
        #expect(type.isOptional)
        #expect(type.isCollection)
        #expect(type.signature == "test.Service")
        let server = World.serverType()
        #expect(!server.isClient && !server.isOptional && !server.isCollection)
    }

    @Test func interfaceTypeLookupFindsTheCollectionOfAMember() throws {
        let type = try ComponentType([World.clientType("items", cardinality: .collection)])
        #expect(type.interfaceType(named: "items7")?.name == "items")
        #expect(type.interfaceType(named: "other") == nil)
    }

    @Test func typeWithMoreServersIsASubtype() throws {
        let small = try ComponentType([World.serverType("s")])
        let large = try ComponentType([World.serverType("s"), World.mainType("m")])
        #expect(large.isSubtype(of: small))
        #expect(!small.isSubtype(of: large))
    }

    @Test func subSignatureServerMakesASubtype() throws {
        let base = try ComponentType([World.serverType("s")])
        let special = try ComponentType([InterfaceType(name: "s", signature: SpecialProxy.self, role: .server)])
        #expect(special.isSubtype(of: base))
        #expect(!base.isSubtype(of: special))
    }

    @Test func unknownSignatureIsRefusedAtInstantiation() {
        expectFractalError(.unknownSignature, naming: ["/broken", "s", "no.Such"]) {
            let type = try ComponentType([InterfaceType(name: "s", signature: "no.Such", role: .server)])
            _ = try Component.primitive("broken", type: type, content: EchoServer())
        }
    }

    @Test func contentThatDoesNotImplementAServerInterfaceIsRefused() {
        expectFractalError(.contentDoesNotImplement, naming: ["/inert", "s", "test.Service"]) {
            _ = try Component.primitive("inert", type: ComponentType([World.serverType()]), content: Inert())
        }
    }

    @Test func contentWithoutAPortForAClientInterfaceIsRefused() {
        expectFractalError(.contentHasNoClientPort, naming: ["/lonely", "other"]) {
            _ = try Component.primitive(
                "lonely", type: ComponentType([World.serverType(), World.clientType("other")]), content: EchoServer())
        }
    }

    @Test func clientPortOfTheWrongCardinalityIsRefused() {
        expectFractalError(.contentHasNoClientPort, naming: ["/client", "s", "collection"]) {
            _ = try Component.primitive(
                "client", type: ComponentType([World.mainType(), World.clientType("s", cardinality: .collection)]),
                content: EchoClient())
        }
    }

    @Test func clientPortOfAnotherSignatureIsRefused() {
        expectFractalError(.signatureMismatch, naming: ["/client", "s", "test.Other"]) {
            _ = try Component.primitive(
                "client",
                type: ComponentType([World.mainType(), InterfaceType(name: "s", signature: OtherProxy.self, role: .client)]),
                content: EchoClient())
        }
    }

    @Test func compositeGivenContentIsRefused() {
        expectFractalError(.invalidType) {
            _ = try GenericFactory().newInstance("c", type: .empty, controller: .composite, content: .instance(Inert()))
        }
    }

    @Test func primitiveWithoutContentIsRefused() {
        expectFractalError(.invalidType, naming: ["/p"]) {
            _ = try GenericFactory().newInstance("p", type: .empty, controller: .primitive)
        }
    }

    @Test func contentClassNamedInTheRegistryIsInstantiated() throws {
        let registry = Registry()
        registry.register(ServiceProxy.self)
        registry.registerContent("test.EchoServer") { EchoServer() }
        let component = try GenericFactory(registry: registry).newInstance(
            "named", type: ComponentType([InterfaceType(name: "s", signature: "test.Service", role: .server)]),
            controller: .primitive, content: .className("test.EchoServer"))
        #expect(component.content is EchoServer)
        #expect(component.registry === registry)
    }

    @Test func unknownContentClassIsRefused() {
        expectFractalError(.unknownContentClass, naming: ["no.Such"]) {
            _ = try GenericFactory().newInstance("x", type: .empty, controller: .primitive, content: .className("no.Such"))
        }
    }

    @Test func gathercastInterfaceNeedsAGatheringContent() {
        expectFractalError(.contentDoesNotImplement, naming: ["/g", "GathercastReceiver"]) {
            let type = InterfaceType(name: "g", signature: GatherProxy.self, role: .server, cardinality: .gathercast)
            _ = try Component.primitive("g", type: ComponentType([type]), content: EchoServer())
        }
    }

    @Test func controllerDescriptionReadsFractalNames() {
        #expect(ControllerDescription(fractalName: "primitive")?.kind == .primitive)
        #expect(ControllerDescription(fractalName: "parametricPrimitive")?.kind == .primitive)
        #expect(ControllerDescription(fractalName: "composite")?.kind == .composite)
        #expect(ControllerDescription(fractalName: "parametricComposite")?.kind == .composite)
        #expect(ControllerDescription(fractalName: "bogus") == nil)
    }

    @Test func signatureNamesRegisterWithTheirMethods() throws {
        _ = World.serverType()
        Registry.shared.register(SpecialProxy.self)
        let signature = try #require(Registry.shared.signature(named: "test.Service"))
        #expect(signature.methodNames == ["print(_:)", "echo(_:)"])
        #expect(Registry.shared.isSubsignature("test.Special", of: "test.Service"))
        #expect(!Registry.shared.isSubsignature("test.Service", of: "test.Special"))
    }
}
