import SwiftDiagnostics
import SwiftSyntax
import SwiftSyntaxMacros

/// `@Interface`, `@Interface("name")` and `@Interface("name", refining: "parent", ...)`:
/// derives, for an interface protocol `P`, the peer struct `PProxy` that is both its client
/// stub and its server dispatcher (see ``ProxyGenerator`` for its shape).
///
/// The signature name is the string argument, or the protocol's name without one. The rules
/// an interface protocol follows are checked by ``InterfaceProtocol`` and ``MethodSignature``;
/// every broken rule is reported as an error on the offending node, and then no proxy is
/// generated.
public struct InterfaceMacro: PeerMacro {
    public static func expansion(
        of node: AttributeSyntax,
        providingPeersOf declaration: some DeclSyntaxProtocol,
        in context: some MacroExpansionContext
    ) throws -> [DeclSyntax] {
        guard let protocolDeclaration = declaration.as(ProtocolDeclSyntax.self) else {
            context.diagnose(Diagnostic(node: node, message: InterfaceDiagnostic.notAProtocol(kind: describe(declaration))))
            return []
        }
        var diagnostics: [Diagnostic] = []
        let arguments = InterfaceArguments(node, diagnostics: &diagnostics)
        let interface = InterfaceProtocol(protocolDeclaration, diagnostics: &diagnostics)
        for diagnostic in diagnostics {
            context.diagnose(diagnostic)
        }
        guard let interface, diagnostics.isEmpty else { return [] }
        let generator = ProxyGenerator(
            interface: interface,
            signatureName: arguments.signatureName ?? MethodSignature.unescaped(interface.name),
            parentSignatureNames: arguments.parentSignatureNames)
        return [generator.declaration]
    }

    /// What `declaration` is, with its article: `a struct`, `an extension`, ….
    private static func describe(_ declaration: some DeclSyntaxProtocol) -> String {
        switch declaration.kind {
        case .structDecl: "a struct"
        case .classDecl: "a class"
        case .enumDecl: "an enum"
        case .actorDecl: "an actor"
        case .extensionDecl: "an extension"
        case .functionDecl: "a function"
        case .variableDecl: "a variable"
        case .typeAliasDecl: "a type alias"
        case .initializerDecl: "an initializer"
        default: "this declaration"
        }
    }
}
