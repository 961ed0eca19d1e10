import Testing

/// What `@Interface` generates for valid interface protocols.
@Suite struct ProxyExpansionTests {
    @Test func publicProtocolGetsPublicProxyForwardingEachMethodAndDispatchingEachID() {
        assertInterfaceExpansion(
            """
            @Interface("helloworld.Service")
            public protocol Service: Sendable {
                func print(_ message: String) async throws
                func total(of values: [Int], scale factor: Double) async throws -> Int
            }
            """,
            expandedSource: """
            public protocol Service: Sendable {
                func print(_ message: String) async throws
                func total(of values: [Int], scale factor: Double) async throws -> Int
            }

            public struct ServiceProxy: Service, InterfaceProxy {
                public typealias Signature = any Service
                public static let signatureName: String = "helloworld.Service"
                public static let parentSignatureNames: [String] = []
                public static let methodNames: [String] = ["print(_:)", "total(of:scale:)"]
                public let endpoint: Endpoint<any Service>
                public init(endpoint: Endpoint<any Service>) {
                    self.endpoint = endpoint
                }
                public func print(_ message: String) async throws {
                    try await self.endpoint.invoke("print(_:)", [message]) {
                        try await $0.print(message)
                    }
                }
                public func total(of values: [Int], scale factor: Double) async throws -> Int {
                    return try await self.endpoint.invoke("total(of:scale:)", [values, factor]) {
                        try await $0.total(of: values, scale: factor)
                    }
                }
                public static func dispatch(_ method: String, _ arguments: inout some ArgumentDecoder, on endpoint: Endpoint<any Service>) async throws -> any Codable & Sendable {
                    switch method {
                    case "print(_:)":
                        let a0 = try arguments.next(String.self)
                        try await endpoint.invoke("print(_:)", [a0]) {
                            try await $0.print(a0)
                        }
                        return Nothing()
                    case "total(of:scale:)":
                        let a0 = try arguments.next([Int].self)
                        let a1 = try arguments.next(Double.self)
                        return try await endpoint.invoke("total(of:scale:)", [a0, a1]) {
                            try await $0.total(of: a0, scale: a1)
                        }
                    default:
                        throw FractalError(.noSuchMethod, "signature '\\(Self.signatureName)' has no method '\\(method)'")
                    }
                }
            }
            """)
    }

    @Test func internalProtocolGetsProxyWithoutModifiersAndItsNameAsSignatureName() {
        assertInterfaceExpansion(
            """
            @Interface
            protocol Counter: Sendable {
                func reset() async throws
                func value() async throws -> String
            }
            """,
            expandedSource: """
            protocol Counter: Sendable {
                func reset() async throws
                func value() async throws -> String
            }

            struct CounterProxy: Counter, InterfaceProxy {
                typealias Signature = any Counter
                static let signatureName: String = "Counter"
                static let parentSignatureNames: [String] = []
                static let methodNames: [String] = ["reset()", "value()"]
                let endpoint: Endpoint<any Counter>
                init(endpoint: Endpoint<any Counter>) {
                    self.endpoint = endpoint
                }
                func reset() async throws {
                    try await self.endpoint.invoke("reset()", []) {
                        try await $0.reset()
                    }
                }
                func value() async throws -> String {
                    return try await self.endpoint.invoke("value()", []) {
                        try await $0.value()
                    }
                }
                static func dispatch(_ method: String, _ arguments: inout some ArgumentDecoder, on endpoint: Endpoint<any Counter>) async throws -> any Codable & Sendable {
                    switch method {
                    case "reset()":
                        try await endpoint.invoke("reset()", []) {
                            try await $0.reset()
                        }
                        return Nothing()
                    case "value()":
                        return try await endpoint.invoke("value()", []) {
                            try await $0.value()
                        }
                    default:
                        throw FractalError(.noSuchMethod, "signature '\\(Self.signatureName)' has no method '\\(method)'")
                    }
                }
            }
            """)
    }

    @Test func emptyArgumentListAlsoNamesTheSignatureAfterTheProtocol() {
        assertInterfaceExpansion(
            """
            @Interface()
            package protocol Empty: Sendable {
            }
            """,
            expandedSource: """
            package protocol Empty: Sendable {
            }

            package struct EmptyProxy: Empty, InterfaceProxy {
                package typealias Signature = any Empty
                package static let signatureName: String = "Empty"
                package static let parentSignatureNames: [String] = []
                package static let methodNames: [String] = []
                package let endpoint: Endpoint<any Empty>
                package init(endpoint: Endpoint<any Empty>) {
                    self.endpoint = endpoint
                }
                package static func dispatch(_ method: String, _ arguments: inout some ArgumentDecoder, on endpoint: Endpoint<any Empty>) async throws -> any Codable & Sendable {
                    switch method {
                    default:
                        throw FractalError(.noSuchMethod, "signature '\\(Self.signatureName)' has no method '\\(method)'")
                    }
                }
            }
            """)
    }

    @Test func refiningArgumentsBecomeParentSignatureNames() {
        assertInterfaceExpansion(
            """
            @Interface("test.Special", refining: "test.Service", "test.Other")
            public protocol Special: Sendable {
                func shout(_ message: String) async throws -> String
            }
            """,
            expandedSource: """
            public protocol Special: Sendable {
                func shout(_ message: String) async throws -> String
            }

            public struct SpecialProxy: Special, InterfaceProxy {
                public typealias Signature = any Special
                public static let signatureName: String = "test.Special"
                public static let parentSignatureNames: [String] = ["test.Service", "test.Other"]
                public static let methodNames: [String] = ["shout(_:)"]
                public let endpoint: Endpoint<any Special>
                public init(endpoint: Endpoint<any Special>) {
                    self.endpoint = endpoint
                }
                public func shout(_ message: String) async throws -> String {
                    return try await self.endpoint.invoke("shout(_:)", [message]) {
                        try await $0.shout(message)
                    }
                }
                public static func dispatch(_ method: String, _ arguments: inout some ArgumentDecoder, on endpoint: Endpoint<any Special>) async throws -> any Codable & Sendable {
                    switch method {
                    case "shout(_:)":
                        let a0 = try arguments.next(String.self)
                        return try await endpoint.invoke("shout(_:)", [a0]) {
                            try await $0.shout(a0)
                        }
                    default:
                        throw FractalError(.noSuchMethod, "signature '\\(Self.signatureName)' has no method '\\(method)'")
                    }
                }
            }
            """)
    }

    @Test func voidAndUnitResultsAreVoidMethods() {
        assertInterfaceExpansion(
            """
            @Interface("test.Void")
            private protocol Silent: Swift.Sendable {
                func a() async throws -> Void
                func b() async throws -> ()
            }
            """,
            expandedSource: """
            private protocol Silent: Swift.Sendable {
                func a() async throws -> Void
                func b() async throws -> ()
            }

            private struct SilentProxy: Silent, InterfaceProxy {
                typealias Signature = any Silent
                static let signatureName: String = "test.Void"
                static let parentSignatureNames: [String] = []
                static let methodNames: [String] = ["a()", "b()"]
                let endpoint: Endpoint<any Silent>
                init(endpoint: Endpoint<any Silent>) {
                    self.endpoint = endpoint
                }
                func a() async throws {
                    try await self.endpoint.invoke("a()", []) {
                        try await $0.a()
                    }
                }
                func b() async throws {
                    try await self.endpoint.invoke("b()", []) {
                        try await $0.b()
                    }
                }
                static func dispatch(_ method: String, _ arguments: inout some ArgumentDecoder, on endpoint: Endpoint<any Silent>) async throws -> any Codable & Sendable {
                    switch method {
                    case "a()":
                        try await endpoint.invoke("a()", []) {
                            try await $0.a()
                        }
                        return Nothing()
                    case "b()":
                        try await endpoint.invoke("b()", []) {
                            try await $0.b()
                        }
                        return Nothing()
                    default:
                        throw FractalError(.noSuchMethod, "signature '\\(Self.signatureName)' has no method '\\(method)'")
                    }
                }
            }
            """)
    }

    @Test func parametersNamedLikeDispatcherParametersAreDecodedIntoGeneratedLocals() {
        assertInterfaceExpansion(
            """
            @Interface("test.Clash")
            protocol Clash: Sendable {
                func send(endpoint: String, method: Int, arguments: [String: Int]) async throws -> String
            }
            """,
            expandedSource: """
            protocol Clash: Sendable {
                func send(endpoint: String, method: Int, arguments: [String: Int]) async throws -> String
            }

            struct ClashProxy: Clash, InterfaceProxy {
                typealias Signature = any Clash
                static let signatureName: String = "test.Clash"
                static let parentSignatureNames: [String] = []
                static let methodNames: [String] = ["send(endpoint:method:arguments:)"]
                let endpoint: Endpoint<any Clash>
                init(endpoint: Endpoint<any Clash>) {
                    self.endpoint = endpoint
                }
                func send(endpoint: String, method: Int, arguments: [String: Int]) async throws -> String {
                    return try await self.endpoint.invoke("send(endpoint:method:arguments:)", [endpoint, method, arguments]) {
                        try await $0.send(endpoint: endpoint, method: method, arguments: arguments)
                    }
                }
                static func dispatch(_ method: String, _ arguments: inout some ArgumentDecoder, on endpoint: Endpoint<any Clash>) async throws -> any Codable & Sendable {
                    switch method {
                    case "send(endpoint:method:arguments:)":
                        let a0 = try arguments.next(String.self)
                        let a1 = try arguments.next(Int.self)
                        let a2 = try arguments.next([String: Int].self)
                        return try await endpoint.invoke("send(endpoint:method:arguments:)", [a0, a1, a2]) {
                            try await $0.send(endpoint: a0, method: a1, arguments: a2)
                        }
                    default:
                        throw FractalError(.noSuchMethod, "signature '\\(Self.signatureName)' has no method '\\(method)'")
                    }
                }
            }
            """)
    }

    @Test func unnamedParametersEscapedNamesAndOptionalTypesAreSpeltSoTheyCompile() {
        assertInterfaceExpansion(
            """
            @Interface("test.Shapes")
            protocol Shapes: Sendable {
                func `default`(_: Int, `in` _: String?, sent value: sending [String]) async throws -> Int?
            }
            """,
            expandedSource: """
            protocol Shapes: Sendable {
                func `default`(_: Int, `in` _: String?, sent value: sending [String]) async throws -> Int?
            }

            struct ShapesProxy: Shapes, InterfaceProxy {
                typealias Signature = any Shapes
                static let signatureName: String = "test.Shapes"
                static let parentSignatureNames: [String] = []
                static let methodNames: [String] = ["default(_:in:sent:)"]
                let endpoint: Endpoint<any Shapes>
                init(endpoint: Endpoint<any Shapes>) {
                    self.endpoint = endpoint
                }
                func `default`(_ _0: Int, `in` _1: String?, sent value: sending [String]) async throws -> Int? {
                    return try await self.endpoint.invoke("default(_:in:sent:)", [_0, _1, value]) {
                        try await $0.`default`(_0, in: _1, sent: value)
                    }
                }
                static func dispatch(_ method: String, _ arguments: inout some ArgumentDecoder, on endpoint: Endpoint<any Shapes>) async throws -> any Codable & Sendable {
                    switch method {
                    case "default(_:in:sent:)":
                        let a0 = try arguments.next(Int.self)
                        let a1 = try arguments.next(Optional<String>.self)
                        let a2 = try arguments.next([String].self)
                        return try await endpoint.invoke("default(_:in:sent:)", [a0, a1, a2]) {
                            try await $0.`default`(a0, in: a1, sent: a2)
                        }
                    default:
                        throw FractalError(.noSuchMethod, "signature '\\(Self.signatureName)' has no method '\\(method)'")
                    }
                }
            }
            """)
    }
}
