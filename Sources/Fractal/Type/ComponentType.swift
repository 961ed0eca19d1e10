/// The type of a component: its interface types. Fractal's `ComponentType`.
///
/// Creating one checks the naming rules of the model: two interface types may not share a
/// name, and a collection interface `i` reserves every name that starts with `i`.
public struct ComponentType: Sendable, Hashable, Codable, CustomStringConvertible {
    public let interfaceTypes: [InterfaceType]

    /// - Throws: ``FractalError/Kind/duplicateInterfaceName`` or
    ///   ``FractalError/Kind/collectionNameConflict``.
    public init(_ interfaceTypes: [InterfaceType]) throws {
        var seen = Set<String>()
        for type in interfaceTypes {
            if type.name.isEmpty {
                throw FractalError(.invalidType, "an interface type has an empty name")
            }
            if !seen.insert(type.name).inserted {
                throw FractalError(
                    .duplicateInterfaceName, interface: type.name,
                    "two interface types are named '\(type.name)'; rename one of them")
            }
        }
        for collection in interfaceTypes where collection.isCollection {
            for other in interfaceTypes where other.name != collection.name && other.name.hasPrefix(collection.name) {
                throw FractalError(
                    .collectionNameConflict, interface: other.name,
                    "'\(other.name)' starts with the name of the collection interface '\(collection.name)', whose members are named '\(collection.name)<suffix>'; rename one of them")
            }
        }
        self.interfaceTypes = interfaceTypes
    }

    /// A type with no interfaces.
    public static let empty = try! ComponentType([])

    /// The type of interface `name`; a collection member name (`clients0`) finds its collection's type.
    public func interfaceType(named name: String) -> InterfaceType? {
        if let exact = interfaceTypes.first(where: { $0.name == name }) { return exact }
        return interfaceTypes.first { $0.isCollection && name.hasPrefix($0.name) }
    }

    /// Fractal's sub-type rule: every server interface of `other` exists here with a compatible
    /// signature, and every client interface here exists in `other` (unless optional here).
    public func isSubtype(of other: ComponentType, registry: Registry = .shared) -> Bool {
        for server in other.interfaceTypes where server.role == .server {
            guard let mine = interfaceType(named: server.name), mine.role == .server,
                  registry.isSubsignature(mine.signature, of: server.signature),
                  !(mine.isOptional && !server.isOptional)
            else { return false }
        }
        for client in interfaceTypes where client.role == .client {
            guard let theirs = other.interfaceType(named: client.name) else {
                if client.isOptional { continue }
                return false
            }
            guard theirs.role == .client,
                  registry.isSubsignature(theirs.signature, of: client.signature),
                  !(theirs.isOptional && !client.isOptional)
            else { return false }
        }
        return true
    }

    public var description: String {
        "[" + interfaceTypes.map(\.description).joined(separator: ", ") + "]"
    }
}
