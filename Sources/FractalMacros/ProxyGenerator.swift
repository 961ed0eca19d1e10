import SwiftSyntax
import SwiftSyntaxBuilder

/// Writes the peer `<P>Proxy` of a checked interface protocol `P`: a struct that conforms to
/// `P` and to Fractal's `InterfaceProxy`.
///
/// - Each method of `P` sends its call to `endpoint`:
///   `try await self.endpoint.invoke("id", [arguments]) { try await $0.method(arguments) }`.
/// - `dispatch` decodes the arguments of a call named by its identifier, into locals `a0`,
///   `a1`, … (so that no parameter name can shadow `method`, `arguments` or `endpoint`), makes
///   the same call on the endpoint and returns its result, `Nothing()` for a `Void` method.
///
/// The members have the protocol's access level when it is `public` or `package`; the struct
/// also keeps a `fileprivate` or `private` one.
struct ProxyGenerator {
    /// The protocol the proxy implements.
    var interface: InterfaceProtocol
    /// The name the signature is registered under.
    var signatureName: String
    /// The names of the signatures it refines.
    var parentSignatureNames: [String]

    /// The proxy struct.
    var declaration: DeclSyntax {
        DeclSyntax(stringLiteral: source)
    }

    /// The proxy struct's source text.
    var source: String {
        let member = interface.memberAccess.map { "\($0) " } ?? ""
        let type = interface.typeAccess.map { "\($0) " } ?? ""
        let protocolName = interface.name
        let proxyName = MethodSignature.unescaped(protocolName) + "Proxy"
        let methodNames = interface.methods.map { Self.literal($0.id) }.joined(separator: ", ")
        let parentNames = parentSignatureNames.map(Self.literal).joined(separator: ", ")
        let methods = interface.methods.map { proxyMethod($0, access: member) }.joined()
        return """
            \(type)struct \(proxyName): \(protocolName), InterfaceProxy {
                \(member)typealias Signature = any \(protocolName)
                \(member)static let signatureName: String = \(Self.literal(signatureName))
                \(member)static let parentSignatureNames: [String] = [\(parentNames)]
                \(member)static let methodNames: [String] = [\(methodNames)]
                \(member)let endpoint: Endpoint<any \(protocolName)>
                \(member)init(endpoint: Endpoint<any \(protocolName)>) {
                    self.endpoint = endpoint
                }
            \(methods)\(dispatcher(access: member))
            }
            """
    }

    /// The proxy's implementation of `method`, which forwards the call to `self.endpoint`.
    private func proxyMethod(_ method: MethodSignature, access: String) -> String {
        let parameters = method.parameters.map { parameter in
            let label = parameter.label ?? "_"
            let names = label == parameter.name ? label : "\(label) \(parameter.name)"
            return "\(names): \(parameter.type.trimmedDescription)"
        }
        let result = method.returnType.map { " -> \($0.trimmedDescription)" } ?? ""
        let call = invocation(of: method, on: "self.endpoint", values: method.parameters.map(\.name))
        return """
                \(access)func \(method.name)(\(parameters.joined(separator: ", "))) async throws\(result) {
                    \(method.returnType == nil ? "" : "return ")\(call)
                }

            """
    }

    /// `dispatch`, with one `case` per method.
    private func dispatcher(access: String) -> String {
        let cases = interface.methods.map { method in
            let values = method.parameters.indices.map { "a\($0)" }
            let decoding = zip(values, method.parameters).map { value, parameter in
                "            let \(value) = try arguments.next(\(Self.metatype(parameter.decodedType)))\n"
            }
            let call = invocation(of: method, on: "endpoint", values: values)
            let result = method.returnType == nil
                ? "            \(call)\n            return Nothing()\n"
                : "            return \(call)\n"
            return "        case \(Self.literal(method.id)):\n" + decoding.joined() + result
        }
        return """
                \(access)static func dispatch(_ method: String, _ arguments: inout some ArgumentDecoder, on endpoint: Endpoint<any \(interface.name)>) async throws -> any Codable & Sendable {
                    switch method {
            \(cases.joined())        default:
                        throw FractalError(.noSuchMethod, "signature '\\(Self.signatureName)' has no method '\\(method)'")
                    }
                }
            """
    }

    /// `try await <endpoint>.invoke("id", [values]) { try await $0.method(label: value, …) }`.
    private func invocation(of method: MethodSignature, on endpoint: String, values: [String]) -> String {
        let arguments = zip(method.parameters, values).map { parameter, value in
            parameter.label.map { "\(Self.argumentLabel($0)): \(value)" } ?? value
        }
        return "try await \(endpoint).invoke(\(Self.literal(method.id)), [\(values.joined(separator: ", "))]) "
            + "{ try await $0.\(method.name)(\(arguments.joined(separator: ", "))) }"
    }

    /// `label` as an argument label of a call: without backticks, which the compiler warns
    /// about there, except for the keywords that still need them.
    static func argumentLabel(_ label: String) -> String {
        let bare = MethodSignature.unescaped(label)
        return ["inout", "var", "let"].contains(bare) ? label : bare
    }

    /// An expression for the metatype of `type`: `T.self`, `Optional<T>.self` or `(T).self`,
    /// whichever parses for its kind of type.
    static func metatype(_ type: TypeSyntax) -> String {
        if type.is(IdentifierTypeSyntax.self) || type.is(MemberTypeSyntax.self) || type.is(ArrayTypeSyntax.self)
            || type.is(DictionaryTypeSyntax.self)
        {
            return "\(type.trimmedDescription).self"
        }
        if let optional = type.as(OptionalTypeSyntax.self) {
            return "Optional<\(optional.wrappedType.trimmedDescription)>.self"
        }
        if let optional = type.as(ImplicitlyUnwrappedOptionalTypeSyntax.self) {
            return "Optional<\(optional.wrappedType.trimmedDescription)>.self"
        }
        return "(\(type.trimmedDescription)).self"
    }

    /// A Swift string literal whose value is `value`.
    static func literal(_ value: String) -> String {
        var escaped = ""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            case "\t": escaped += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                escaped += "\\u{\(String(scalar.value, radix: 16))}"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return "\"\(escaped)\""
    }
}
