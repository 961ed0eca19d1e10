import SwiftDiagnostics
import SwiftSyntax

/// One method of an interface protocol, reduced to what its proxy method and its dispatcher
/// case need.
///
/// Only methods an interface may declare are represented: instance methods that are
/// `async throws` (untyped), not `mutating`, not generic, without `inout` or variadic
/// parameters.
/// ``init(_:diagnostics:)`` diagnoses every other method.
struct MethodSignature {
    /// One parameter of the method.
    struct Parameter {
        /// The argument label, or `nil` for an unlabeled (`_`) parameter.
        var label: String?
        /// The name the proxy's method gives the parameter: the protocol's internal name, or a
        /// generated `_<index>` when the protocol writes `_`.
        var name: String
        /// The parameter's type as written, specifiers (such as `sending`) included.
        var type: TypeSyntax
        /// The type the dispatcher decodes the argument as: `type` without its specifiers and
        /// attributes.
        var decodedType: TypeSyntax
    }

    /// The method's base name as written (backticks kept, so it can be called as spelt).
    var name: String
    /// The parameters in declaration order.
    var parameters: [Parameter]
    /// The result type, or `nil` for a method returning `Void`.
    var returnType: TypeSyntax?
    /// The identifier calls are made by: `name(label:label:)`, `_` for an unlabeled parameter,
    /// `name()` without parameters.
    var id: String

    /// Reads `function`, or returns `nil` after appending to `diagnostics` one error for each
    /// reason it cannot be an interface method.
    ///
    /// Static methods are the caller's business (they are members of the protocol, not methods
    /// of the interface); this initialiser only looks at the signature.
    init?(_ function: FunctionDeclSyntax, diagnostics: inout [Diagnostic]) {
        let parameterList = function.signature.parameterClause.parameters
        let name = function.name.text
        let labels = Self.labels(of: parameterList)
        let id = Self.id(of: function)
        let before = diagnostics.count

        Self.checkEffects(of: function, id: id, diagnostics: &diagnostics)
        if let mutating = function.modifiers.first(where: { $0.name.tokenKind == .keyword(.mutating) }) {
            diagnostics.append(Diagnostic(node: mutating, message: InterfaceDiagnostic.mutatingMethod(method: id)))
        }
        if function.genericParameterClause != nil || function.genericWhereClause != nil
            || parameterList.contains(where: { Self.isOpaque($0.type) })
        {
            diagnostics.append(Diagnostic(node: function.name, message: InterfaceDiagnostic.generic(method: id)))
        }

        var parameters: [Parameter] = []
        for (index, parameter) in parameterList.enumerated() {
            let internalName = parameter.secondName ?? parameter.firstName
            let parameterName = internalName.tokenKind == .wildcard ? "_\(index)" : internalName.text
            var decodedType = parameter.type
            if let attributed = parameter.type.as(AttributedTypeSyntax.self) {
                if attributed.specifiers.contains(where: { $0.as(SimpleTypeSpecifierSyntax.self)?.specifier.tokenKind == .keyword(.inout) }) {
                    diagnostics.append(Diagnostic(
                        node: parameter,
                        message: InterfaceDiagnostic.inoutParameter(method: id, parameter: parameterName)))
                }
                decodedType = attributed.baseType
            }
            if parameter.ellipsis != nil {
                diagnostics.append(Diagnostic(
                    node: parameter,
                    message: InterfaceDiagnostic.variadicParameter(method: id, parameter: parameterName)))
            }
            parameters.append(Parameter(
                label: labels[index], name: parameterName, type: parameter.type, decodedType: decodedType))
        }

        guard diagnostics.count == before else { return nil }
        self.name = name
        self.parameters = parameters
        self.returnType = function.signature.returnClause.map(\.type).flatMap { Self.isVoid($0) ? nil : $0 }
        self.id = id
    }

    /// The identifier of `function`: see ``id``.
    static func id(of function: FunctionDeclSyntax) -> String {
        id(name: function.name.text, labels: labels(of: function.signature.parameterClause.parameters))
    }

    /// The argument labels of `parameters`, `nil` for an unlabeled one.
    static func labels(of parameters: FunctionParameterListSyntax) -> [String?] {
        parameters.map { $0.firstName.tokenKind == .wildcard ? nil : $0.firstName.text }
    }

    /// `name(label:label:)`, without the backticks of escaped identifiers.
    static func id(name: String, labels: [String?]) -> String {
        let labelList = labels.map { "\(unescaped($0 ?? "_")):" }.joined()
        return "\(unescaped(name))(\(labelList))"
    }

    /// `identifier` without the backticks that escape it.
    static func unescaped(_ identifier: String) -> String {
        guard identifier.count > 1, identifier.hasPrefix("`"), identifier.hasSuffix("`") else { return identifier }
        return String(identifier.dropFirst().dropLast())
    }

    /// Appends an error unless `function` is `async` and untyped-`throws`.
    private static func checkEffects(of function: FunctionDeclSyntax, id: String, diagnostics: inout [Diagnostic]) {
        let effects = function.signature.effectSpecifiers
        let throwsClause = effects?.throwsClause
        let fixIt = FixIt.makeAsyncThrows(function.signature)
        if let throwsClause, throwsClause.throwsSpecifier.tokenKind == .keyword(.rethrows) {
            diagnostics.append(Diagnostic(
                node: throwsClause.throwsSpecifier, message: InterfaceDiagnostic.rethrowsMethod(method: id), fixIts: [fixIt]))
        } else if let throwsClause, throwsClause.type != nil {
            diagnostics.append(Diagnostic(
                node: throwsClause, message: InterfaceDiagnostic.typedThrows(method: id), fixIts: [fixIt]))
        } else if effects?.asyncSpecifier?.tokenKind != .keyword(.async) || throwsClause == nil {
            diagnostics.append(Diagnostic(
                node: function.name, message: InterfaceDiagnostic.notAsyncThrows(method: id), fixIts: [fixIt]))
        }
    }

    /// True for `Void`, `Swift.Void` and `()`.
    private static func isVoid(_ type: TypeSyntax) -> Bool {
        if let tuple = type.as(TupleTypeSyntax.self) { return tuple.elements.isEmpty }
        let spelling = type.trimmedDescription
        return spelling == "Void" || spelling == "Swift.Void"
    }

    /// True when `type` contains an opaque `some` type, which makes the method generic.
    private static func isOpaque(_ type: TypeSyntax) -> Bool {
        type.tokens(viewMode: .sourceAccurate).contains { $0.tokenKind == .keyword(.some) }
    }
}
