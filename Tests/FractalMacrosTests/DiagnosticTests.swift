import SwiftSyntaxMacrosGenericTestSupport
import Testing

/// The errors `@Interface` reports: each on the offending node, and no proxy generated.
@Suite struct DiagnosticTests {
    private let makeAsyncThrows = FixItSpec(message: "make the method 'async throws'")

    @Test func attachingToSomethingOtherThanAProtocolIsAnError() {
        assertInterfaceExpansion(
            """
            @Interface
            struct Service {
            }
            """,
            expandedSource: """
            struct Service {
            }
            """,
            diagnostics: [
                DiagnosticSpec(message: "@Interface applies to a protocol, not to a struct", line: 1, column: 1),
            ])
    }

    @Test func methodThatIsNotAsyncThrowsIsAnErrorFixedByMakingItAsyncThrows() {
        assertInterfaceExpansion(
            """
            @Interface("bad.Effects")
            protocol Effects: Sendable {
                func a() async -> Int
                func b() throws
                func c()
            }
            """,
            expandedSource: """
            protocol Effects: Sendable {
                func a() async -> Int
                func b() throws
                func c()
            }
            """,
            diagnostics: [
                DiagnosticSpec(
                    message: "interface method 'a()' must be 'async throws' so that it can be called across nodes",
                    line: 3, column: 10, fixIts: [makeAsyncThrows]),
                DiagnosticSpec(
                    message: "interface method 'b()' must be 'async throws' so that it can be called across nodes",
                    line: 4, column: 10, fixIts: [makeAsyncThrows]),
                DiagnosticSpec(
                    message: "interface method 'c()' must be 'async throws' so that it can be called across nodes",
                    line: 5, column: 10, fixIts: [makeAsyncThrows]),
            ],
            fixedSource: """
            @Interface("bad.Effects")
            protocol Effects: Sendable {
                func a() async throws -> Int
                func b() async throws
                func c() async throws
            }
            """)
    }

    @Test func rethrowsAndTypedThrowsAreErrorsFixedByPlainThrows() {
        assertInterfaceExpansion(
            """
            @Interface("bad.Throws")
            protocol Throws: Sendable {
                func r() async rethrows
                func t() async throws(Failure) -> Int
            }
            """,
            expandedSource: """
            protocol Throws: Sendable {
                func r() async rethrows
                func t() async throws(Failure) -> Int
            }
            """,
            diagnostics: [
                DiagnosticSpec(
                    message: "interface method 'r()' must be 'async throws', not 'rethrows'",
                    line: 3, column: 20, fixIts: [makeAsyncThrows]),
                DiagnosticSpec(
                    message: "interface method 't()' must use untyped 'throws': a call across nodes can fail with errors of any type",
                    line: 4, column: 20, fixIts: [makeAsyncThrows]),
            ],
            fixedSource: """
            @Interface("bad.Throws")
            protocol Throws: Sendable {
                func r() async throws
                func t() async throws -> Int
            }
            """)
    }

    @Test func mutatingMethodIsAnError() {
        assertInterfaceExpansion(
            """
            @Interface("bad.Mutating")
            protocol Mutating: Sendable {
                mutating func bump() async throws
            }
            """,
            expandedSource: """
            protocol Mutating: Sendable {
                mutating func bump() async throws
            }
            """,
            diagnostics: [
                DiagnosticSpec(
                    message: "interface method 'bump()' cannot be 'mutating': an interface is called through a shared reference",
                    line: 3, column: 5),
            ])
    }

    @Test func genericMethodsAreErrors() {
        assertInterfaceExpansion(
            """
            @Interface("bad.Generic")
            protocol Generic: Sendable {
                func g<T: Codable>(_ value: T) async throws
                func w(_ value: Int) async throws where Self: AnyObject
                func o(_ value: some Codable) async throws
            }
            """,
            expandedSource: """
            protocol Generic: Sendable {
                func g<T: Codable>(_ value: T) async throws
                func w(_ value: Int) async throws where Self: AnyObject
                func o(_ value: some Codable) async throws
            }
            """,
            diagnostics: [
                DiagnosticSpec(
                    message: "interface method 'g(_:)' cannot be generic: its arguments and result are decoded by type on the receiving node",
                    line: 3, column: 10),
                DiagnosticSpec(
                    message: "interface method 'w(_:)' cannot be generic: its arguments and result are decoded by type on the receiving node",
                    line: 4, column: 10),
                DiagnosticSpec(
                    message: "interface method 'o(_:)' cannot be generic: its arguments and result are decoded by type on the receiving node",
                    line: 5, column: 10),
            ])
    }

    @Test func inoutAndVariadicParametersAreErrors() {
        assertInterfaceExpansion(
            """
            @Interface("bad.Parameters")
            protocol Parameters: Sendable {
                func m(_ x: inout Int, _ ys: Int...) async throws
            }
            """,
            expandedSource: """
            protocol Parameters: Sendable {
                func m(_ x: inout Int, _ ys: Int...) async throws
            }
            """,
            diagnostics: [
                DiagnosticSpec(
                    message: "parameter 'x' of interface method 'm(_:_:)' cannot be 'inout': a call across nodes passes arguments by value",
                    line: 3, column: 12),
                DiagnosticSpec(
                    message: "parameter 'ys' of interface method 'm(_:_:)' cannot be variadic; take an array instead",
                    line: 3, column: 28),
            ])
    }

    @Test func membersOtherThanInstanceMethodsAreErrors() {
        assertInterfaceExpansion(
            """
            @Interface("bad.Members")
            protocol Members<Item>: Sendable {
                associatedtype Element
                typealias Alias = Int
                var count: Int { get }
                static var shared: Int { get }
                subscript(index: Int) -> Int { get }
                init(value: Int)
                static func make() async throws -> Int
            }
            """,
            expandedSource: """
            protocol Members<Item>: Sendable {
                associatedtype Element
                typealias Alias = Int
                var count: Int { get }
                static var shared: Int { get }
                subscript(index: Int) -> Int { get }
                init(value: Int)
                static func make() async throws -> Int
            }
            """,
            diagnostics: [
                DiagnosticSpec(message: "interfaces declare methods only; 'Item' is an associated type", line: 2, column: 18),
                DiagnosticSpec(message: "interfaces declare methods only; 'Element' is an associated type", line: 3, column: 5),
                DiagnosticSpec(message: "interfaces declare methods only; 'Alias' is a type alias", line: 4, column: 5),
                DiagnosticSpec(message: "interfaces declare methods only; 'count' is a property", line: 5, column: 5),
                DiagnosticSpec(message: "interfaces declare methods only; 'shared' is a static property", line: 6, column: 5),
                DiagnosticSpec(message: "interfaces declare methods only; 'subscript(_:)' is a subscript", line: 7, column: 5),
                DiagnosticSpec(message: "interfaces declare methods only; 'init(value:)' is an initializer", line: 8, column: 5),
                DiagnosticSpec(message: "interfaces declare methods only; 'make()' is a static method", line: 9, column: 5),
            ])
    }

    @Test func overloadsWithTheSameMethodIDAreErrors() {
        assertInterfaceExpansion(
            """
            @Interface("bad.Overloads")
            protocol Overloads: Sendable {
                func put(_ value: Int) async throws
                func put(_ value: String) async throws
                func put(value: String) async throws
            }
            """,
            expandedSource: """
            protocol Overloads: Sendable {
                func put(_ value: Int) async throws
                func put(_ value: String) async throws
                func put(value: String) async throws
            }
            """,
            diagnostics: [
                DiagnosticSpec(
                    message: "duplicate interface method 'put(_:)': methods are called by name, so overloads must differ in name or argument labels",
                    line: 4, column: 10,
                    notes: [NoteSpec(message: "'put(_:)' first declared here", line: 3, column: 10)]),
            ])
    }

    @Test func methodClashingWithTheProxyEndpointPropertyIsAnError() {
        assertInterfaceExpansion(
            """
            @Interface("bad.Reserved")
            protocol Reserved: Sendable {
                func endpoint() async throws -> String
            }
            """,
            expandedSource: """
            protocol Reserved: Sendable {
                func endpoint() async throws -> String
            }
            """,
            diagnostics: [
                DiagnosticSpec(
                    message: "interface method 'endpoint()' would clash with the generated proxy's 'endpoint' property; rename it",
                    line: 3, column: 10),
            ])
    }

    @Test func protocolNotRefiningSendableIsAnErrorFixedByAddingSendable() {
        assertInterfaceExpansion(
            """
            @Interface("bad.Plain")
            protocol Plain {
                func run() async throws
            }
            """,
            expandedSource: """
            protocol Plain {
                func run() async throws
            }
            """,
            diagnostics: [
                DiagnosticSpec(
                    message: "@Interface protocol 'Plain' must refine Sendable: its proxies and implementations are shared between tasks",
                    line: 2, column: 10, fixIts: [FixItSpec(message: "add 'Sendable'")]),
            ],
            fixedSource: """
            @Interface("bad.Plain")
            protocol Plain: Sendable {
                func run() async throws
            }
            """)
    }

    @Test func refiningAnotherProtocolIsAnErrorThatPointsToRefiningArgument() {
        assertInterfaceExpansion(
            """
            @Interface("bad.Child")
            protocol Child: Service {
                func run() async throws
            }
            """,
            expandedSource: """
            protocol Child: Service {
                func run() async throws
            }
            """,
            diagnostics: [
                DiagnosticSpec(
                    message: """
                    @Interface protocols refine only Sendable (found 'Service'); a sub-signature repeats the parent's \
                    methods and is declared with @Interface("Name", refining: "parent.Name")
                    """,
                    line: 2, column: 17),
                DiagnosticSpec(
                    message: "@Interface protocol 'Child' must refine Sendable: its proxies and implementations are shared between tasks",
                    line: 2, column: 10, fixIts: [FixItSpec(message: "add 'Sendable'")]),
            ],
            fixedSource: """
            @Interface("bad.Child")
            protocol Child: Service, Sendable {
                func run() async throws
            }
            """)
    }

    @Test func refiningStandardProtocolsOtherThanSendableIsAnError() {
        assertInterfaceExpansion(
            """
            @Interface("bad.Standard")
            protocol Standard: AnyObject, Swift.Hashable, Sendable {
            }
            """,
            expandedSource: """
            protocol Standard: AnyObject, Swift.Hashable, Sendable {
            }
            """,
            diagnostics: [
                DiagnosticSpec(
                    message: """
                    @Interface protocols refine only Sendable (found 'AnyObject'): the generated proxy is a struct that \
                    forwards calls to an endpoint and cannot conform to 'AnyObject'
                    """,
                    line: 2, column: 20),
                DiagnosticSpec(
                    message: """
                    @Interface protocols refine only Sendable (found 'Swift.Hashable'): the generated proxy is a struct \
                    that forwards calls to an endpoint and cannot conform to 'Swift.Hashable'
                    """,
                    line: 2, column: 31),
            ])
    }

    @Test func signatureNamesMustBeNonEmptyLiteralsOtherThanTheSignatureItself() {
        assertInterfaceExpansion(
            #"""
            @Interface(Names.service, refining: "", "a.\(b)", "a.B")
            protocol Named: Sendable {
            }
            @Interface("a.B", refining: "a.B")
            protocol Loop: Sendable {
            }
            """#,
            expandedSource: """
            protocol Named: Sendable {
            }
            protocol Loop: Sendable {
            }
            """,
            diagnostics: [
                DiagnosticSpec(
                    message: "a signature name given to @Interface must be a string literal without interpolation",
                    line: 1, column: 12),
                DiagnosticSpec(message: "a signature name given to @Interface must not be empty", line: 1, column: 37),
                DiagnosticSpec(
                    message: "a signature name given to @Interface must be a string literal without interpolation",
                    line: 1, column: 41),
                DiagnosticSpec(message: "signature 'a.B' cannot refine itself", line: 4, column: 29),
            ])
    }
}
