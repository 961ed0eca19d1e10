/// Fractal's `GenericFactory`: makes components from a type, a controller description and content.
///
/// Instantiation checks what can be checked before anything runs: every signature is known,
/// the content implements every server interface, and it declares a client port (``Client``,
/// ``ClientCollection``, ``Multicast``) of the right kind and signature for every client
/// interface.
public struct GenericFactory: Sendable {
    public let registry: Registry

    public init(registry: Registry = .shared) {
        self.registry = registry
    }

    /// A new, stopped component named `name`.
    ///
    /// - Parameter content: required for a primitive, nil for a composite.
    public func newInstance(
        _ name: String, type: ComponentType, controller: ControllerDescription,
        content: ContentDescription? = nil
    ) throws -> Component {
        let place = "/" + name
        var signatures: [String: InterfaceSignature] = [:]
        for interfaceType in type.interfaceTypes {
            guard let signature = registry.signature(named: interfaceType.signature) else {
                throw FractalError(.unknownSignature, component: place, interface: interfaceType.name,
                                   "unknown signature '\(interfaceType.signature)'; declare it with @Interface(\"\(interfaceType.signature)\") and register it")
            }
            signatures[interfaceType.signature] = signature
        }
        switch controller.kind {
        case .composite:
            if content != nil {
                throw FractalError(.invalidType, component: place, "a composite's content is its sub-components; give no content object")
            }
            return Component(name: name, type: type, controller: controller, content: nil, ports: [:],
                             attributes: [], signatures: signatures, registry: registry)
        case .primitive:
            let object: any Sendable
            switch content {
            case .instance(let given): object = given
            case .className(let className): object = try registry.makeContent(className)
            case nil:
                throw FractalError(.invalidType, component: place, "a primitive component needs content")
            }
            try checkServers(of: type, content: object, signatures: signatures, place: place)
            let found = ContentInspection(object)
            let ports = try matchPorts(found.ports, to: type, place: place)
            var className: String?
            if case .className(let named) = content { className = named }
            return Component(name: name, type: type, controller: controller, content: object, contentClassName: className, ports: ports,
                             attributes: found.attributes, signatures: signatures, registry: registry)
        }
    }

    private func checkServers(of type: ComponentType, content: Any, signatures: [String: InterfaceSignature], place: String) throws {
        for interfaceType in type.interfaceTypes where interfaceType.role == .server {
            if interfaceType.cardinality == .gathercast {
                guard content is any GathercastReceiver else {
                    throw FractalError(.contentDoesNotImplement, component: place, interface: interfaceType.name,
                                       "the content (\(Swift.type(of: content))) must conform to GathercastReceiver to serve gathercast interface '\(interfaceType.name)'")
                }
                continue
            }
            guard signatures[interfaceType.signature]!.isImplemented(by: content) else {
                throw FractalError(.contentDoesNotImplement, component: place, interface: interfaceType.name,
                                   "the content (\(Swift.type(of: content))) does not implement '\(interfaceType.signature)' for server interface '\(interfaceType.name)'")
            }
        }
    }

    private func matchPorts(_ found: [(String, any ClientPort)], to type: ComponentType, place: String) throws -> [String: any ClientPort] {
        var ports: [String: any ClientPort] = [:]
        for interfaceType in type.interfaceTypes where interfaceType.role == .client {
            guard let (_, port) = found.first(where: { $0.0 == interfaceType.name }) else {
                throw FractalError(.contentHasNoClientPort, component: place, interface: interfaceType.name,
                                   "the content declares no client port for client interface '\(interfaceType.name)'; add `let \(interfaceType.name) = \(Self.portKind(interfaceType.cardinality))<any …>(\"\(interfaceType.name)\")`")
            }
            guard port.cardinality == interfaceType.cardinality else {
                throw FractalError(.contentHasNoClientPort, component: place, interface: interfaceType.name,
                                   "client interface '\(interfaceType.name)' is a \(interfaceType.cardinality.rawValue) interface, but the content's port is a \(Self.portKind(port.cardinality)); use \(Self.portKind(interfaceType.cardinality))")
            }
            guard let portSignature = registry.signature(for: port.signatureType)
                ?? registry.signature(named: interfaceType.signature).flatMap({ $0.existential == port.signatureType ? $0 : nil }),
                  registry.isSubsignature(interfaceType.signature, of: portSignature.name) else {
                throw FractalError(.signatureMismatch, component: place, interface: interfaceType.name,
                                   "the content's port for '\(interfaceType.name)' holds \(port.signatureTypeName), but the interface's signature is \(interfaceType.signature)")
            }
            ports[interfaceType.name] = port
        }
        return ports
    }

    private static func portKind(_ cardinality: Cardinality) -> String {
        switch cardinality {
        case .singleton: "Client"
        case .collection: "ClientCollection"
        case .multicast: "Multicast"
        case .gathercast: "Client"
        }
    }
}

/// The client ports and attributes a content object declares as stored properties.
struct ContentInspection {
    var ports: [(String, any ClientPort)] = []
    var attributes: [(String, any AnyAttribute)] = []

    init(_ content: Any) {
        var mirror: Mirror? = Mirror(reflecting: content)
        while let current = mirror {
            for child in current.children {
                let label = child.label.map { $0.hasPrefix("_") ? String($0.dropFirst()) : $0 } ?? ""
                if let port = child.value as? any ClientPort {
                    ports.append((port.declaredName ?? label, port))
                } else if let attribute = child.value as? any AnyAttribute {
                    attributes.append((attribute.declaredName ?? label, attribute))
                }
            }
            mirror = current.superclassMirror
        }
    }
}

extension Component {
    /// A new, stopped primitive component whose content is `content`.
    public static func primitive(
        _ name: String, type: ComponentType, content: any Sendable,
        controller: ControllerDescription = .primitive, registry: Registry = .shared
    ) throws -> Component {
        try GenericFactory(registry: registry).newInstance(name, type: type, controller: controller, content: .instance(content))
    }

    /// A new, stopped, empty composite component.
    public static func composite(
        _ name: String, type: ComponentType,
        controller: ControllerDescription = .composite, registry: Registry = .shared
    ) throws -> Component {
        try GenericFactory(registry: registry).newInstance(name, type: type, controller: controller)
    }
}
