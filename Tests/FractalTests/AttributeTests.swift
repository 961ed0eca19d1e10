import Fractal
import Testing

@Suite struct AttributeTests {
    /// One attribute of EchoServer per value family, with a value different from its initial one.
    enum Family: String, CaseIterable, Sendable {
        case bool, int8, int64, uint16, int, float, double, string
    }

    @Test(arguments: Family.allCases)
    func typedValuesRoundTrip(_ family: Family) throws {
        let (server, _) = try World.server("typed")
        let attributes = try server.attributeController
        switch family {
        case .bool: try checkRoundTrip(attributes, "flag", true, typeName: "Bool")
        case .int8: try checkRoundTrip(attributes, "small", Int8.min, typeName: "Int8")
        case .int64: try checkRoundTrip(attributes, "wide", Int64.max, typeName: "Int64")
        case .uint16: try checkRoundTrip(attributes, "unsigned", UInt16.max, typeName: "UInt16")
        case .int: try checkRoundTrip(attributes, "delay", -12_345, typeName: "Int")
        case .float: try checkRoundTrip(attributes, "single", Float(1.25), typeName: "Float")
        case .double: try checkRoundTrip(attributes, "ratio", 0.1, typeName: "Double")
        case .string: try checkRoundTrip(attributes, "prefix", "héllo, wörld ✓", typeName: "String")
        }
    }

    @Test func settingFromAStringConvertsToTheAttributeType() throws {
        let (server, _) = try World.server("fromStrings")
        let attributes = try server.attributeController
        try attributes.set("wide", string: "-42")
        try attributes.set("unsigned", string: "65535")
        try attributes.set("ratio", string: "2.5")
        try attributes.set("single", string: "0.75")
        try attributes.set("delay", string: "17")
        try attributes.set("prefix", string: "=> ")
        #expect(try attributes.value("wide", as: Int64.self) == -42)
        #expect(try attributes.value("unsigned", as: UInt16.self) == 65_535)
        #expect(try attributes.value("ratio", as: Double.self) == 2.5)
        #expect(try attributes.value("single", as: Float.self) == 0.75)
        #expect(try attributes.value("delay", as: Int.self) == 17)
        #expect(try attributes.value("prefix", as: String.self) == "=> ")
    }

    @Test func badStringFailsWithBadAttributeValueNamingTheAttributeAndItsType() throws {
        let (server, _) = try World.server("badStrings")
        let attributes = try server.attributeController
        try attributes.set("small", 5 as Int8)

        expectFractalError(.badAttributeValue, naming: ["/badStrings", "'small'", "Int8", "300"]) {
            try attributes.set("small", string: "300")
        }
        expectFractalError(.badAttributeValue, naming: ["'delay'", "Int", "abc"]) {
            try attributes.set("delay", string: "abc")
        }
        expectFractalError(.badAttributeValue, naming: ["'unsigned'", "UInt16"]) {
            try attributes.set("unsigned", string: "-1")
        }
        expectFractalError(.badAttributeValue, naming: ["'ratio'", "Double"]) {
            try attributes.set("ratio", string: "one half")
        }
        #expect(try attributes.value("small", as: Int8.self) == 5)
        #expect(try attributes.value("delay", as: Int.self) == 0)
        #expect(try attributes.value("unsigned", as: UInt16.self) == 0)
        #expect(try attributes.value("ratio", as: Double.self) == 0)
    }

    @Test func valueOfTheWrongSwiftTypeIsRefused() throws {
        let (server, content) = try World.server("wrongType")
        let attributes = try server.attributeController
        expectFractalError(.badAttributeValue, naming: ["'delay'", "Int", "String"]) {
            try attributes.set("delay", "ten")
        }
        expectFractalError(.badAttributeValue, naming: ["'small'", "Int8"]) {
            try attributes.set("small", 5 as Int)
        }
        expectFractalError(.badAttributeValue, naming: ["'ratio'", "Double"]) {
            try attributes.set("ratio", Float(0.5))
        }
        #expect(content.delay.value == 0)
        #expect(content.small.value == 0)
        #expect(content.ratio.value == 0)
    }

    @Test func readingAsTheWrongSwiftTypeIsRefused() throws {
        let (server, _) = try World.server("wrongRead")
        let attributes = try server.attributeController
        expectFractalError(.badAttributeValue, naming: ["'delay'", "Int", "String"]) {
            _ = try attributes.value("delay", as: String.self)
        }
        expectFractalError(.badAttributeValue, naming: ["'small'", "Int8"]) {
            _ = try attributes.value("small", as: Int.self)
        }
    }

    @Test func unknownAttributeIsNoSuchAttributeNamingIt() throws {
        let (server, _) = try World.server("unknownAttribute")
        let attributes = try server.attributeController
        expectFractalError(.noSuchAttribute, naming: ["/unknownAttribute", "missing"]) {
            _ = try attributes.value("missing", as: Int.self)
        }
        expectFractalError(.noSuchAttribute, naming: ["missing"]) {
            _ = try attributes.string("missing")
        }
        expectFractalError(.noSuchAttribute, naming: ["missing"]) {
            try attributes.set("missing", string: "1")
        }
        expectFractalError(.noSuchAttribute, naming: ["missing"]) {
            try attributes.set("missing", 1)
        }
        expectFractalError(.noSuchAttribute, naming: ["missing"]) {
            _ = try attributes.typeName("missing")
        }
    }

    @Test func componentWithoutAttributesHasNoAttributeController() throws {
        let (client, _) = try World.client("plain")
        expectFractalError(.noSuchController, naming: ["/plain", "attribute-controller"]) {
            _ = try client.attributeController
        }
        let composite = try World.composite("plainComposite")
        expectFractalError(.noSuchController, naming: ["/plainComposite", "attribute-controller"]) {
            _ = try composite.attributeController
        }
    }

    @Test func namesAreInDeclarationOrder() throws {
        let (server, _) = try World.server("ordered")
        #expect(try server.attributeController.names
            == ["delay", "prefix", "flag", "small", "wide", "unsigned", "ratio", "single"])
    }

    @Test func contentSeesValuesSetThroughTheController() async throws {
        let (server, content) = try World.server("configured")
        let attributes = try server.attributeController
        try attributes.set("prefix", "> ")
        try attributes.set("flag", string: "yes")
        try attributes.set("wide", Int64(9))
        #expect(content.prefix.value == "> ")
        #expect(content.flag.value == true)
        #expect(content.wide.value == 9)

        try await server.lifeCycleController.start()
        try await server.interface(named: "s").callable(as: (any Service).self).print("hi")
        #expect(content.printed.withLock { $0 } == ["> hi"])
    }

    @Test func controllerSeesValuesSetByTheContent() throws {
        let (server, content) = try World.server("selfConfigured")
        content.delay.value = 25
        content.prefix.value = "p"
        let attributes = try server.attributeController
        #expect(try attributes.value("delay", as: Int.self) == 25)
        #expect(try attributes.string("delay") == "25")
        #expect(try attributes.string("prefix") == "p")
    }

    @Test(arguments: [
        ("true", true), ("yes", true), ("1", true),
        ("false", false), ("no", false), ("0", false),
    ])
    func boolAcceptsTrueFalseYesNoOneZero(_ spelling: String, _ expected: Bool) throws {
        let (server, _) = try World.server("boolean")
        let attributes = try server.attributeController
        try attributes.set("flag", !expected)
        try attributes.set("flag", string: spelling)
        #expect(try attributes.value("flag", as: Bool.self) == expected)
    }

    @Test(arguments: ["maybe", "2", "", "tru"])
    func boolRefusesOtherSpellings(_ spelling: String) throws {
        let (server, content) = try World.server("notBoolean")
        let attributes = try server.attributeController
        expectFractalError(.badAttributeValue, naming: ["'flag'", "Bool"]) {
            try attributes.set("flag", string: spelling)
        }
        #expect(content.flag.value == false)
    }

    @Test func attributeWithoutADeclaredNameIsNamedAfterItsProperty() throws {
        let component = try Component.primitive(
            "unnamedAttribute", type: ComponentType([World.serverType()]), content: Tuned())
        let attributes = try component.attributeController
        #expect(attributes.names == ["speed", "label"])
        #expect(try attributes.value("speed", as: Int.self) == 3)
        #expect(try attributes.string("label") == "fast")
    }
}

/// Sets `value` typed, reads it back typed and as a string, then sets the string form again.
private func checkRoundTrip<T: AttributeValue>(
    _ attributes: AttributeController, _ name: String, _ value: T, typeName: String,
    sourceLocation: SourceLocation = #_sourceLocation
) throws {
    #expect(try attributes.typeName(name) == typeName, sourceLocation: sourceLocation)
    let initial = try attributes.value(name, as: T.self)
    #expect(initial != value, "pick a value different from the initial one", sourceLocation: sourceLocation)

    try attributes.set(name, value)
    #expect(try attributes.value(name, as: T.self) == value, sourceLocation: sourceLocation)
    let spelled = try attributes.string(name)

    try attributes.set(name, initial)
    #expect(try attributes.value(name, as: T.self) == initial, sourceLocation: sourceLocation)
    try attributes.set(name, string: spelled)
    #expect(try attributes.value(name, as: T.self) == value, "string form '\(spelled)'", sourceLocation: sourceLocation)
}

/// Serves Service; its attributes take their names from their properties.
private final class Tuned: Service {
    let speed = Attribute(nil, 3)
    let label = Attribute(nil, "fast")

    func print(_ message: String) async throws {}
    func echo(_ value: Int) async throws -> Int { value }
}
