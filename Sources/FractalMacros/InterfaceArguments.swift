import SwiftDiagnostics
import SwiftSyntax

/// The arguments of an `@Interface` attribute, in one of its three forms:
///
/// ```swift
/// @Interface                                               // name: the protocol's name
/// @Interface("app.Service")
/// @Interface("app.Special", refining: "app.Service", ...)  // a sub-signature
/// ```
///
/// Names must be non-empty string literals without interpolation: the macro needs their
/// values at expansion time.
struct InterfaceArguments {
    /// The name the signature is registered under; `nil` when the attribute gives none.
    var signatureName: String?
    /// The names of the signatures this one refines, in the order written.
    var parentSignatureNames: [String] = []

    /// Reads the arguments of `attribute`, appending a diagnostic to `diagnostics` for each
    /// argument that is not a usable name, or that names the signature among its own parents
    /// (such an argument is left out of the result).
    init(_ attribute: AttributeSyntax, diagnostics: inout [Diagnostic]) {
        guard case .argumentList(let arguments) = attribute.arguments else { return }
        var readingParents = false
        for argument in arguments {
            if argument.label?.text == "refining" { readingParents = true }
            guard let name = Self.name(in: argument.expression, diagnostics: &diagnostics) else { continue }
            if readingParents {
                if name == signatureName {
                    diagnostics.append(Diagnostic(node: argument.expression, message: InterfaceDiagnostic.refinesItself(name: name)))
                    continue
                }
                parentSignatureNames.append(name)
            } else {
                signatureName = name
            }
        }
    }

    /// The value of a string literal naming a signature, or `nil` after diagnosing why not.
    private static func name(in expression: ExprSyntax, diagnostics: inout [Diagnostic]) -> String? {
        guard let literal = expression.as(StringLiteralExprSyntax.self),
              let value = literal.representedLiteralValue
        else {
            diagnostics.append(Diagnostic(node: expression, message: InterfaceDiagnostic.nameNotALiteral))
            return nil
        }
        guard !value.isEmpty else {
            diagnostics.append(Diagnostic(node: expression, message: InterfaceDiagnostic.emptyName))
            return nil
        }
        return value
    }
}
