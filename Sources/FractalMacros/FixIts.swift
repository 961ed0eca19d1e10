import SwiftDiagnostics
import SwiftSyntax

/// The Fix-Its `@Interface` attaches to its errors; their messages are ``InterfaceFixIt``.
extension FixIt {
    /// Replaces the effects of `signature` (if any) with `async throws`, keeping the spacing
    /// around them.
    static func makeAsyncThrows(_ signature: FunctionSignatureSyntax) -> FixIt {
        var effects = FunctionEffectSpecifiersSyntax(
            asyncSpecifier: .keyword(.async),
            throwsClause: ThrowsClauseSyntax(throwsSpecifier: .keyword(.throws, leadingTrivia: .space)))
        if let existing = signature.effectSpecifiers {
            effects.leadingTrivia = existing.leadingTrivia
            effects.trailingTrivia = existing.trailingTrivia
        } else if signature.parameterClause.rightParen.trailingTrivia.isEmpty {
            effects.leadingTrivia = .space
        } else {
            effects.trailingTrivia = .space
        }
        return FixIt(
            message: InterfaceFixIt.makeAsyncThrows,
            changes: [.replace(oldNode: Syntax(signature), newNode: Syntax(signature.with(\.effectSpecifiers, effects)))])
    }

    /// Adds `Sendable` at the end of the inheritance clause of `declaration`, creating the
    /// clause if there is none.
    static func addSendable(to declaration: ProtocolDeclSyntax) -> FixIt {
        let sendable = TypeSyntax(IdentifierTypeSyntax(name: .identifier("Sendable")))
        if let clause = declaration.inheritanceClause, let last = clause.inheritedTypes.last {
            var types = Array(clause.inheritedTypes.dropLast())
            types.append(last.with(\.type, last.type.with(\.trailingTrivia, [])).with(\.trailingComma, .commaToken()))
            types.append(InheritedTypeSyntax(type: sendable.with(\.leadingTrivia, .space).with(\.trailingTrivia, last.trailingTrivia)))
            let newClause = clause.with(\.inheritedTypes, InheritedTypeListSyntax(types))
            return FixIt(message: InterfaceFixIt.addSendable, changes: [.replace(oldNode: Syntax(clause), newNode: Syntax(newClause))])
        }
        let name = declaration.name
        let newClause = InheritanceClauseSyntax(colon: .colonToken(trailingTrivia: .space), inheritedTypes: [InheritedTypeSyntax(type: sendable)])
            .with(\.trailingTrivia, name.trailingTrivia)
        // The name loses its trailing space to the clause, so that `P {` becomes `P: Sendable {`.
        return FixIt(
            message: InterfaceFixIt.addSendable,
            changes: [.replaceTrailingTrivia(token: name, newTrivia: [])]
                + FixIt.replaceChild(
                    message: InterfaceFixIt.addSendable, parent: declaration,
                    replacingChildAt: \.inheritanceClause, with: newClause
                ).changes)
    }
}
