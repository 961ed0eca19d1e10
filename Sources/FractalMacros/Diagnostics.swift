import SwiftDiagnostics

/// The errors `@Interface` reports, each on the node that causes it.
///
/// Every case is an error: the macro generates no proxy while any of them stands, so the only
/// messages a user sees are these, not follow-on type errors in generated code.
enum InterfaceDiagnostic: DiagnosticMessage {
    /// `@Interface` is attached to something other than a protocol (`kind` names what).
    case notAProtocol(kind: String)
    /// The signature name, or one of the `refining:` names, is not a plain string literal.
    case nameNotALiteral
    /// The signature name, or one of the `refining:` names, is empty.
    case emptyName
    /// The protocol lists its own signature name among the signatures it refines.
    case refinesItself(name: String)
    /// The protocol does not refine `Sendable`, so `any P` could not travel between tasks.
    case notSendable(protocolName: String)
    /// The protocol refines another protocol, which the macro cannot see the methods of.
    case refinesProtocol(found: String)
    /// The protocol refines a well-known protocol a forwarding struct cannot conform to.
    case refinesUnsupportedStandardProtocol(found: String)
    /// The protocol declares something other than an instance method (`what` says what).
    case notAMethod(name: String, what: String)
    /// A method is not `async throws`.
    case notAsyncThrows(method: String)
    /// A method is `rethrows`.
    case rethrowsMethod(method: String)
    /// A method has a typed `throws(E)`.
    case typedThrows(method: String)
    /// A method is `mutating`: the proxy could not call it on the `any P` it is handed.
    case mutatingMethod(method: String)
    /// A method has generic parameters, a `where` clause or an opaque (`some`) parameter.
    case generic(method: String)
    /// A parameter is `inout`.
    case inoutParameter(method: String, parameter: String)
    /// A parameter is variadic.
    case variadicParameter(method: String, parameter: String)
    /// Two methods have the same identifier (they differ only in types).
    case duplicateMethodID(id: String)
    /// A method would be redeclared by a member of the generated proxy.
    case reservedMethodID(id: String)

    var message: String {
        switch self {
        case .notAProtocol(let kind):
            "@Interface applies to a protocol, not to \(kind)"
        case .nameNotALiteral:
            "a signature name given to @Interface must be a string literal without interpolation"
        case .emptyName:
            "a signature name given to @Interface must not be empty"
        case .refinesItself(let name):
            "signature '\(name)' cannot refine itself"
        case .notSendable(let protocolName):
            "@Interface protocol '\(protocolName)' must refine Sendable: its proxies and implementations are shared between tasks"
        case .refinesProtocol(let found):
            "@Interface protocols refine only Sendable (found '\(found)'); a sub-signature repeats the parent's methods and is declared with @Interface(\"Name\", refining: \"parent.Name\")"
        case .refinesUnsupportedStandardProtocol(let found):
            "@Interface protocols refine only Sendable (found '\(found)'): the generated proxy is a struct that forwards calls to an endpoint and cannot conform to '\(found)'"
        case .notAMethod(let name, let what):
            "interfaces declare methods only; '\(name)' is \(what)"
        case .notAsyncThrows(let method):
            "interface method '\(method)' must be 'async throws' so that it can be called across nodes"
        case .rethrowsMethod(let method):
            "interface method '\(method)' must be 'async throws', not 'rethrows'"
        case .typedThrows(let method):
            "interface method '\(method)' must use untyped 'throws': a call across nodes can fail with errors of any type"
        case .mutatingMethod(let method):
            "interface method '\(method)' cannot be 'mutating': an interface is called through a shared reference"
        case .generic(let method):
            "interface method '\(method)' cannot be generic: its arguments and result are decoded by type on the receiving node"
        case .inoutParameter(let method, let parameter):
            "parameter '\(parameter)' of interface method '\(method)' cannot be 'inout': a call across nodes passes arguments by value"
        case .variadicParameter(let method, let parameter):
            "parameter '\(parameter)' of interface method '\(method)' cannot be variadic; take an array instead"
        case .duplicateMethodID(let id):
            "duplicate interface method '\(id)': methods are called by name, so overloads must differ in name or argument labels"
        case .reservedMethodID(let id):
            "interface method '\(id)' would clash with the generated proxy's 'endpoint' property; rename it"
        }
    }

    var severity: DiagnosticSeverity { .error }

    var diagnosticID: MessageID {
        let id: String = switch self {
        case .notAProtocol: "notAProtocol"
        case .nameNotALiteral: "nameNotALiteral"
        case .emptyName: "emptyName"
        case .refinesItself: "refinesItself"
        case .notSendable: "notSendable"
        case .refinesProtocol: "refinesProtocol"
        case .refinesUnsupportedStandardProtocol: "refinesUnsupportedStandardProtocol"
        case .notAMethod: "notAMethod"
        case .notAsyncThrows: "notAsyncThrows"
        case .rethrowsMethod: "rethrows"
        case .typedThrows: "typedThrows"
        case .mutatingMethod: "mutatingMethod"
        case .generic: "generic"
        case .inoutParameter: "inoutParameter"
        case .variadicParameter: "variadicParameter"
        case .duplicateMethodID: "duplicateMethodID"
        case .reservedMethodID: "reservedMethodID"
        }
        return MessageID(domain: "FractalMacros.Interface", id: id)
    }
}

/// The notes attached to `@Interface` errors.
enum InterfaceNote: NoteMessage {
    /// Where the first method of a duplicated identifier is declared.
    case firstDeclaration(id: String)

    var message: String {
        switch self {
        case .firstDeclaration(let id): "'\(id)' first declared here"
        }
    }

    var noteID: MessageID {
        switch self {
        case .firstDeclaration: MessageID(domain: "FractalMacros.Interface", id: "firstDeclaration")
        }
    }
}

/// The Fix-Its `@Interface` offers.
enum InterfaceFixIt: FixItMessage {
    /// Replace the method's effects with `async throws`.
    case makeAsyncThrows
    /// Add `Sendable` to the protocol's inheritance clause.
    case addSendable

    var message: String {
        switch self {
        case .makeAsyncThrows: "make the method 'async throws'"
        case .addSendable: "add 'Sendable'"
        }
    }

    var fixItID: MessageID {
        switch self {
        case .makeAsyncThrows: MessageID(domain: "FractalMacros.Interface", id: "makeAsyncThrows")
        case .addSendable: MessageID(domain: "FractalMacros.Interface", id: "addSendable")
        }
    }
}
