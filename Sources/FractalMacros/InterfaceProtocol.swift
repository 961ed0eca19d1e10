import SwiftDiagnostics
import SwiftSyntax

/// An interface protocol, read and checked: what the generated proxy is made of.
///
/// An interface protocol refines `Sendable` and nothing else, and declares instance methods
/// only, each with a distinct identifier. ``init(_:diagnostics:)`` diagnoses every departure
/// from these rules.
struct InterfaceProtocol {
    /// The protocol's name as written (backticks kept).
    var name: String
    /// The access modifier the proxy struct gets (`public`, `package`, `fileprivate`,
    /// `private`), or `nil` for internal.
    var typeAccess: String?
    /// The access modifier the proxy's members get: `public` or `package` when the protocol is,
    /// otherwise `nil`.
    var memberAccess: String?
    /// The methods, in declaration order.
    var methods: [MethodSignature]

    /// Standard protocols a protocol may well list, but that a forwarding struct cannot
    /// conform to; named in a dedicated message.
    static let standardProtocols: Set<String> = [
        "AnyObject", "Actor", "Codable", "Encodable", "Decodable", "Hashable", "Equatable",
        "Identifiable", "CustomStringConvertible",
    ]

    /// Reads `declaration`, or returns `nil` after appending to `diagnostics` one error for
    /// each rule it breaks.
    init?(_ declaration: ProtocolDeclSyntax, diagnostics: inout [Diagnostic]) {
        let before = diagnostics.count
        Self.checkInheritance(of: declaration, diagnostics: &diagnostics)

        if let primary = declaration.primaryAssociatedTypeClause {
            for associatedType in primary.primaryAssociatedTypes {
                diagnostics.append(Diagnostic(
                    node: associatedType,
                    message: InterfaceDiagnostic.notAMethod(name: associatedType.name.text, what: "an associated type")))
            }
        }

        var methods: [MethodSignature] = []
        var firstDeclarations: [String: TokenSyntax] = [:]
        for member in declaration.memberBlock.members {
            guard let function = member.decl.as(FunctionDeclSyntax.self), !Self.isStatic(function.modifiers) else {
                let (name, what) = Self.describe(member.decl)
                diagnostics.append(Diagnostic(node: member.decl, message: InterfaceDiagnostic.notAMethod(name: name, what: what)))
                continue
            }
            // Identifiers are checked for every method, valid or not, so that one fix does not
            // reveal another error.
            let id = MethodSignature.id(of: function)
            if id == "endpoint()" {
                diagnostics.append(Diagnostic(node: function.name, message: InterfaceDiagnostic.reservedMethodID(id: id)))
            } else if let first = firstDeclarations[id] {
                diagnostics.append(Diagnostic(
                    node: function.name,
                    message: InterfaceDiagnostic.duplicateMethodID(id: id),
                    notes: [Note(node: Syntax(first), message: InterfaceNote.firstDeclaration(id: id))]))
            } else {
                firstDeclarations[id] = function.name
            }
            if let method = MethodSignature(function, diagnostics: &diagnostics) {
                methods.append(method)
            }
        }

        guard diagnostics.count == before else { return nil }
        self.name = declaration.name.text
        let access = declaration.modifiers.lazy.map(\.name.tokenKind).first {
            [.keyword(.public), .keyword(.package), .keyword(.fileprivate), .keyword(.private)].contains($0)
        }
        switch access {
        case .keyword(.public): (typeAccess, memberAccess) = ("public", "public")
        case .keyword(.package): (typeAccess, memberAccess) = ("package", "package")
        case .keyword(.fileprivate): (typeAccess, memberAccess) = ("fileprivate", nil)
        case .keyword(.private): (typeAccess, memberAccess) = ("private", nil)
        default: (typeAccess, memberAccess) = (nil, nil)
        }
        self.methods = methods
    }

    /// Appends an error for each inherited protocol other than `Sendable`, and one (with a
    /// Fix-It) when `Sendable` is missing.
    private static func checkInheritance(of declaration: ProtocolDeclSyntax, diagnostics: inout [Diagnostic]) {
        var refinesSendable = false
        for inherited in declaration.inheritanceClause?.inheritedTypes ?? [] {
            let spelling = inherited.type.trimmedDescription
            let bareName = spelling.hasPrefix("Swift.") ? String(spelling.dropFirst("Swift.".count)) : spelling
            if bareName == "Sendable" {
                refinesSendable = true
            } else if standardProtocols.contains(bareName) {
                diagnostics.append(Diagnostic(
                    node: inherited.type, message: InterfaceDiagnostic.refinesUnsupportedStandardProtocol(found: spelling)))
            } else {
                diagnostics.append(Diagnostic(node: inherited.type, message: InterfaceDiagnostic.refinesProtocol(found: spelling)))
            }
        }
        if !refinesSendable {
            diagnostics.append(Diagnostic(
                node: declaration.name,
                message: InterfaceDiagnostic.notSendable(protocolName: declaration.name.text),
                fixIts: [FixIt.addSendable(to: declaration)]))
        }
    }

    /// True when `modifiers` make a member static (`static` or `class`).
    private static func isStatic(_ modifiers: DeclModifierListSyntax) -> Bool {
        modifiers.contains { $0.name.tokenKind == .keyword(.static) || $0.name.tokenKind == .keyword(.class) }
    }

    /// The name of a member that is not an instance method, and what kind of member it is.
    private static func describe(_ declaration: DeclSyntax) -> (name: String, what: String) {
        if let function = declaration.as(FunctionDeclSyntax.self) {
            return (MethodSignature.id(of: function), "a static method")
        }
        if let variable = declaration.as(VariableDeclSyntax.self) {
            let name = variable.bindings.map(\.pattern.trimmedDescription).joined(separator: ", ")
            return (name, isStatic(variable.modifiers) ? "a static property" : "a property")
        }
        if let subscriptDecl = declaration.as(SubscriptDeclSyntax.self) {
            let labels = subscriptDecl.parameterClause.parameters.map {
                $0.secondName == nil || $0.firstName.tokenKind == .wildcard ? nil : $0.firstName.text
            }
            return (MethodSignature.id(name: "subscript", labels: labels), "a subscript")
        }
        if let initializer = declaration.as(InitializerDeclSyntax.self) {
            let labels = MethodSignature.labels(of: initializer.signature.parameterClause.parameters)
            return (MethodSignature.id(name: "init", labels: labels), "an initializer")
        }
        if let associatedType = declaration.as(AssociatedTypeDeclSyntax.self) {
            return (associatedType.name.text, "an associated type")
        }
        if let alias = declaration.as(TypeAliasDeclSyntax.self) {
            return (alias.name.text, "a type alias")
        }
        if declaration.is(IfConfigDeclSyntax.self) {
            return ("#if", "a conditional compilation block")
        }
        if let expansion = declaration.as(MacroExpansionDeclSyntax.self) {
            return ("#\(expansion.macroName.text)", "a macro expansion")
        }
        return (declaration.trimmedDescription.prefix(while: { !$0.isNewline }).description, "not a method")
    }
}
