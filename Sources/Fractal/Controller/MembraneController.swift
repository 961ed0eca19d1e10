/// One interface of a membrane (GCM's non-functional interfaces).
public struct MembraneInterfaceType: Sendable, Hashable {
    public var type: InterfaceType
    /// True for `internal-client` and `internal-server`: the interface faces the component's
    /// sub-components, not its outside.
    public var isInternal: Bool

    public init(_ type: InterfaceType, isInternal: Bool = false) {
        self.type = type
        self.isInternal = isInternal
    }
}

/// GCM's `MembraneController`: the non-functional part of a component, made of components.
///
/// A membrane holds components of its own (*non-functional* components: monitors, managers,
/// interceptors written as components) and non-functional interfaces:
///
/// - an external server interface (`monitor-controller`) is called from outside like any
///   server interface of the component, and leads to the membrane component it is bound to;
/// - an external client interface (`report-controller`) is bound by the component's parent,
///   like any client interface, and lets membrane components call out;
/// - an internal client interface reaches a sub-component's server interface (often one of
///   that sub-component's own membrane); an internal server interface is what sub-components
///   call to reach the membrane.
///
/// Membrane bindings name their ends as in ADL: `this.x` (the component's interface `x`),
/// `monitor.x` (a membrane component), `inner.x` (a sub-component, for an internal client).
/// A membrane component can also bind to `this.attribute-controller` (``AttributeControl``)
/// to read and set its component's attributes.
/// Binding `this.service` (a functional server interface) to a membrane component makes that
/// component take every call of `service` first (it *intercepts* it); its client bound to
/// `this.service` passes the call on to the content.
///
/// The membrane starts with its component (before its content) and stops with it; bindings
/// and membrane components change only while the component is stopped.
public struct MembraneController: Sendable {
    public let component: Component
    let membrane: Component

    /// The membrane components, in the order they were added.
    public var subComponents: [Component] { membrane.children }

    /// The non-functional interfaces the component shows outside.
    public var interfaces: [any Interface] {
        membrane.interfaces.filter { !membrane.internalMembraneNames.contains($0.name) }
    }

    /// The non-functional interface types, internal ones included.
    public var interfaceTypes: [MembraneInterfaceType] {
        let internalNames = membrane.internalMembraneNames
        return membrane.type.interfaceTypes.map { MembraneInterfaceType($0, isInternal: internalNames.contains($0.name)) }
    }

    /// The composite that holds the membrane: its path (`/Top/m/(membrane)`) prefixes the
    /// membrane components' paths.
    public var holder: Component { membrane }

    /// Adds membrane component `nf`.
    public func add(_ nf: Component) throws {
        try membrane.contentController.add(nf)
    }

    /// Removes membrane component `nf` (once it is unbound).
    public func remove(_ nf: Component) throws {
        try membrane.contentController.remove(nf)
    }

    /// The membrane component named `name`.
    public func subComponent(named name: String) throws -> Component {
        guard let found = membrane.children.first(where: { $0.name == name }) else {
            let names = membrane.children.map(\.name)
            throw FractalError(.notASubComponent, component: component.path,
                               "the membrane of '\(component.name)' has no component named '\(name)'\(names.isEmpty ? "" : " (it has: \(names.joined(separator: ", ")))")")
        }
        return found
    }

    /// Binds `client` to `server`, both written as in ADL (`this.monitor-controller`,
    /// `counter.monitor`).
    ///
    /// - Throws: ``FractalError/Kind/noSuchInterface``, ``FractalError/Kind/notASubComponent``
    ///   for an end that names nothing, and the errors of a binding.
    public func bind(_ client: String, to server: String) throws {
        let (clientName, clientInterface) = try split(client, side: "client")
        let target = try serverEnd(server)
        if clientName == "this" {
            if membrane.type.interfaceType(named: clientInterface) != nil {
                if membrane.clientInterface(clientInterface) != nil, !membrane.internalMembraneNames.contains(clientInterface) {
                    throw FractalError(.notLocalBinding, component: component.path, interface: clientInterface,
                                       "'\(clientInterface)' is an external client interface of the membrane: it is bound by the parent of '\(component.name)', not inside its membrane")
                }
                try membrane.bindingController.bind(clientInterface, to: target)
                return
            }
            guard let port = component.serverInterface(clientInterface) else {
                throw noSuchEnd(client, component.type.interfaceTypes.filter { $0.role == .server }.map(\.name) + membrane.type.interfaceTypes.map(\.name))
            }
            guard let callable = target as? any CallTarget else {
                throw FractalError(.notAServerInterface, component: component.path, interface: clientInterface,
                                   "cannot route '\(clientInterface)' to \(target): it is a client interface")
            }
            try Reconfiguration.perform {
                try component.requireStopped("route '\(clientInterface)' through the membrane", interface: clientInterface)
                try port.route(to: callable)
            }
            return
        }
        try subComponent(named: clientName).bindingController.bind(clientInterface, to: target)
    }

    /// Removes the binding that starts at `client` (written as in ``bind(_:to:)``).
    public func unbind(_ client: String) throws {
        let (clientName, clientInterface) = try split(client, side: "client")
        if clientName == "this" {
            if membrane.type.interfaceType(named: clientInterface) != nil {
                try membrane.bindingController.unbind(clientInterface)
            } else if let port = component.serverInterface(clientInterface), port.routeTarget != nil {
                try Reconfiguration.perform {
                    try component.requireStopped("unroute '\(clientInterface)'", interface: clientInterface)
                    port.removeRoute()
                }
            } else {
                throw FractalError(.notBound, component: component.path, interface: clientInterface,
                                   "'\(clientInterface)' is not bound in the membrane")
            }
            return
        }
        try subComponent(named: clientName).bindingController.unbind(clientInterface)
    }

    /// Every binding of the membrane, written as in ADL, in a stable order.
    public var bindings: [(client: String, server: String)] {
        let nf = membrane.children
        func end(_ target: any Interface) -> String? {
            if target.owner === membrane || target.owner === component { return "this.\(target.name)" }
            if nf.contains(where: { $0 === target.owner }) { return "\(target.owner.name).\(target.name)" }
            let owner = target.owner.membraneHost ?? target.owner
            if component.children.contains(where: { $0 === owner }) { return "\(owner.name).\(target.name)" }
            return nil
        }
        var result: [(client: String, server: String)] = []
        for port in component.serverInterfaces {
            if let route = port.routeTarget, let server = end(route) { result.append(("this.\(port.name)", server)) }
        }
        for type in membrane.type.interfaceTypes {
            let isInsideEnd = type.role == .server || membrane.internalMembraneNames.contains(type.name)
            guard isInsideEnd else { continue }
            for target in membrane.boundTargets(of: type.name) {
                if let server = end(target) { result.append(("this.\(type.name)", server)) }
            }
        }
        for client in nf {
            for name in client.bindingController.list() {
                for target in (try? client.bindingController.lookupAll(name)) ?? [] {
                    if let server = end(target) { result.append(("\(client.name).\(name)", server)) }
                }
            }
        }
        return result
    }

    // MARK: Ends

    private func split(_ end: String, side: String) throws -> (String, String) {
        let parts = end.split(separator: ".", maxSplits: 1).map(String.init)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw FractalError(.noSuchInterface, component: component.path,
                               "membrane binding \(side) '\(end)' must be 'component.interface' or 'this.interface'")
        }
        return (parts[0], parts[1])
    }

    /// The interface a server end names, as a binding in the membrane sees it.
    private func serverEnd(_ end: String) throws -> any Interface {
        let (name, interface) = try split(end, side: "server")
        if name == "this" {
            if let inside = membrane.internalServerInterface(interface) { return inside }
            if let port = component.serverInterface(interface) { return port.contentSide }
            if interface == ControllerInterface.attributeControllerName {
                _ = try component.attributeController
                return ControllerInterface(owner: component)
            }
            throw noSuchEnd(end, membrane.type.interfaceTypes.filter { $0.role == .client }.map(\.name)
                            + component.type.interfaceTypes.filter { $0.role == .server }.map(\.name))
        }
        if let nf = membrane.children.first(where: { $0.name == name }) {
            return try nf.interface(named: interface)
        }
        if let sub = component.children.first(where: { $0.name == name }) {
            return try sub.interface(named: interface)
        }
        let names = (membrane.children + component.children).map(\.name)
        throw FractalError(.notASubComponent, component: component.path,
                           "no membrane component or sub-component named '\(name)' in '\(component.name)'\(names.isEmpty ? "" : " (it has: \(names.joined(separator: ", ")))")")
    }

    private func noSuchEnd(_ end: String, _ known: [String]) -> FractalError {
        FractalError(.noSuchInterface, component: component.path, interface: end,
                     "'\(component.name)' has no interface that '\(end)' can name here (it has: \(known.isEmpty ? "none" : known.joined(separator: ", ")))")
    }
}

extension Component {
    /// The membrane controller of a component that has a membrane.
    ///
    /// - Throws: ``FractalError/Kind/noSuchController`` when it has none (see ``makeMembrane(interfaces:)``).
    public var membraneController: MembraneController {
        get throws {
            guard let membrane = membraneComposite else {
                throw FractalError(.noSuchController, component: path, interface: "membrane-controller",
                                   "'\(name)' has no membrane of components; make one with makeMembrane(interfaces:)")
            }
            return MembraneController(component: self, membrane: membrane)
        }
    }

    /// Gives the component a membrane with these non-functional interfaces, to which
    /// components are then added and bound through the returned controller.
    ///
    /// - Throws: ``FractalError/Kind/duplicateInterfaceName`` when a name is also a functional
    ///   interface's, ``FractalError/Kind/unknownSignature``, and
    ///   ``FractalError/Kind/illegalLifeCycleState`` unless the component is stopped.
    @discardableResult
    public func makeMembrane(interfaces: [MembraneInterfaceType]) throws -> MembraneController {
        try requireStopped("make a membrane")
        if membraneComposite != nil {
            throw FractalError(.alreadyAdded, component: path, interface: "membrane-controller", "'\(name)' already has a membrane")
        }
        for interface in interfaces where type.interfaceType(named: interface.type.name) != nil {
            throw FractalError(.duplicateInterfaceName, component: path, interface: interface.type.name,
                               "membrane interface '\(interface.type.name)' has the name of a functional interface")
        }
        let membraneType = try ComponentType(interfaces.map(\.type))
        let made = try GenericFactory(registry: registry).newInstance("(membrane)", type: membraneType, controller: .composite)
        made.state.withLock { state in
            state.host = WeakComponent(component: self)
            state.internalNames = Set(interfaces.filter(\.isInternal).map(\.type.name))
        }
        state.withLock { $0.membrane = made }
        return MembraneController(component: self, membrane: made)
    }

    var membraneComposite: Component? { state.withLock { $0.membrane } }

    /// For the composite that holds a membrane: the component whose membrane it is.
    package var membraneHost: Component? { state.withLock { $0.host?.component } }

    var internalMembraneNames: Set<String> { state.withLock { $0.internalNames } }

    var externalMembraneNames: [String] {
        let hidden = internalMembraneNames
        return type.interfaceTypes.map(\.name).filter { !hidden.contains($0) }
    }

    /// A membrane's interface `name`, when the component shows it outside.
    func externalMembraneInterface(_ name: String) -> (any Interface)? {
        guard !internalMembraneNames.contains(name) else { return nil }
        return serverInterface(name) ?? clientInterface(name)
    }
}
