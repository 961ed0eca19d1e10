/// Fractal's `ContentController`: the sub-components of a composite and its internal interfaces.
///
/// Adding and removing require the composite to be stopped. A component may be added to
/// several composites (a shared component); its super controller then lists them all.
public struct ContentController: Sendable {
    public let component: Component

    /// The sub-components, in the order they were added.
    public var subComponents: [Component] { component.children }

    /// The internal interfaces: the inside of every server and client interface.
    public var internalInterfaces: [any Interface] { component.internalInterfaceList }

    /// The inside of interface `name`.
    ///
    /// - Throws: ``FractalError/Kind/noSuchInterface``.
    public func internalInterface(named name: String) throws -> any Interface {
        if let client = component.internalClientInterface(name) { return client }
        if let server = component.internalServerInterface(name) { return server }
        // A membrane's internal server interface is what sub-components call to reach it.
        if let membrane = component.membraneComposite, membrane.internalMembraneNames.contains(name),
           let server = membrane.serverInterface(name) {
            return server
        }
        throw component.noSuchInterface(name)
    }

    /// Adds `sub` to the composite.
    ///
    /// - Throws: ``FractalError/Kind/addToItself``, ``FractalError/Kind/alreadyAdded``,
    ///   ``FractalError/Kind/cycle``, ``FractalError/Kind/illegalLifeCycleState``.
    public func add(_ sub: Component) throws {
        try Reconfiguration.perform {
            if sub === component {
                throw FractalError(.addToItself, component: component.path, "a component cannot be added to itself")
            }
            if component.children.contains(where: { $0 === sub }) {
                throw FractalError(.alreadyAdded, component: component.path,
                                   "'\(sub.name)' is already a sub-component of '\(component.name)'")
            }
            if sub.subtree.contains(where: { $0 === component }) {
                throw FractalError(.cycle, component: component.path,
                                   "adding '\(sub.name)' would make a cycle: '\(component.name)' is already inside it")
            }
            try component.requireStopped("add '\(sub.name)'")
            component.state.withLock { $0.children.append(sub) }
            sub.state.withLock { $0.parents.append(Component.WeakComponent(component: component)) }
        }
    }

    /// Removes `sub` from the composite.
    ///
    /// - Throws: ``FractalError/Kind/notASubComponent``, ``FractalError/Kind/illegalLifeCycleState``,
    ///   ``FractalError/Kind/subComponentStillBound``.
    public func remove(_ sub: Component) throws {
        try Reconfiguration.perform {
            guard component.children.contains(where: { $0 === sub }) else {
                throw FractalError(.notASubComponent, component: component.path,
                                   "'\(sub.name)' is not a sub-component of '\(component.name)'")
            }
            try component.requireStopped("remove '\(sub.name)'")
            if let binding = bindingInvolving(sub) {
                throw FractalError(.subComponentStillBound, component: component.path,
                                   "cannot remove '\(sub.name)': it is still bound (\(binding)); unbind it first")
            }
            component.state.withLock { $0.children.removeAll { $0 === sub } }
            sub.state.withLock { state in
                if let index = state.parents.firstIndex(where: { $0.component === component }) {
                    state.parents.remove(at: index)
                }
            }
        }
    }

    /// A binding inside this composite that starts or ends at `sub`, described for an error.
    private func bindingInvolving(_ sub: Component) -> String? {
        let scope = [component] + component.children
        for client in scope {
            for (name, targets) in client.state.withLock({ $0.bindings }) {
                for target in targets {
                    let internalToUs = target.isInternal && target.owner === component
                    let siblingTarget = !target.isInternal && component.children.contains { $0 === target.owner }
                    guard internalToUs || siblingTarget else { continue }
                    if client === sub || target.owner === sub {
                        return "\(client === component ? "this" : client.name).\(name) -> \(target.owner === component ? "this" : target.owner.name).\(target.name)"
                    }
                }
            }
        }
        return nil
    }
}

extension Component {
    /// The content controller of a composite.
    ///
    /// - Throws: ``FractalError/Kind/noSuchController`` for a primitive.
    public var contentController: ContentController {
        get throws {
            guard isComposite else {
                throw FractalError(.noSuchController, component: path, interface: "content-controller",
                                   "a primitive component has no content controller")
            }
            return ContentController(component: self)
        }
    }
}
