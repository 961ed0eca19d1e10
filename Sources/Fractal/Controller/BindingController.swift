/// Fractal's `BindingController`: binds a component's client interfaces to server interfaces.
///
/// On a composite it also binds the inside of its server interfaces to sub-components (an
/// *export*), named after the server interface. Binding and unbinding require the component
/// to be stopped (ProActive's rule, stricter than Julia's: see docs/concepts.md).
public struct BindingController: Sendable {
    public let component: Component

    /// Names of the bound or bindable client interfaces: singletons and multicasts, collection
    /// members created so far and, on a composite, the insides of its server interfaces.
    public func list() -> [String] {
        var names: [String] = []
        for interface in component.interfaces where interface.type.role == .client {
            names.append(interface.name)
        }
        if component.isComposite {
            names += component.type.interfaceTypes.filter { $0.role == .server }.map(\.name)
        }
        if let membrane = component.membraneComposite {
            names += membrane.externalMembraneNames.filter { membrane.clientInterface($0) != nil }
        }
        return names
    }

    /// The server interface `name` is bound to (the first one for a multicast), or nil.
    ///
    /// - Throws: ``FractalError/Kind/noSuchInterface``.
    public func lookup(_ name: String) throws -> (any Interface)? {
        try lookupAll(name).first
    }

    /// Every server interface `name` is bound to, in bind order.
    public func lookupAll(_ name: String) throws -> [any Interface] {
        if let membrane = membraneSide(name) { return try membrane.lookupAll(name) }
        _ = try clientSide(name)
        return component.boundTargets(of: name)
    }

    /// Binds client interface `name` to `server`.
    ///
    /// Binding a multicast interface again adds a server. `server` is another component's
    /// external server interface (a sibling, or a sub-component for an export), or the
    /// internal server interface of a parent composite (an import).
    public func bind(_ name: String, to server: any Interface) throws {
        if let membrane = membraneSide(name) { return try membrane.bind(name, to: server) }
        try Reconfiguration.perform {
            let client = try clientSide(name)
            guard let target = server as? any CallTarget else {
                throw FractalError(.notAServerInterface, component: component.path, interface: name,
                                   "cannot bind '\(name)' to \(server): it is a client interface (client-to-client binding)")
            }
            let bound = component.boundTargets(of: name)
            if client.type.cardinality == .multicast {
                if bound.contains(where: { $0 === target }) {
                    throw FractalError(.alreadyBound, component: component.path, interface: name,
                                       "multicast interface '\(name)' is already bound to \(server)")
                }
            } else if let existing = bound.first {
                throw FractalError(.alreadyBound, component: component.path, interface: name,
                                   "'\(name)' is already bound to \(existing); unbind it first")
            }
            guard component.registry.isSubsignature(server.type.signature, of: client.type.signature) else {
                throw FractalError(.signatureMismatch, component: component.path, interface: name,
                                   "cannot bind '\(name)' (\(client.type.signature)) to \(server) (\(server.type.signature)): \(server.type.signature) is not a \(client.type.signature)")
            }
            if !client.type.isOptional && server.type.isOptional {
                throw FractalError(.contingencyMismatch, component: component.path, interface: name,
                                   "cannot bind mandatory '\(name)' to optional \(server): it may not be there when called")
            }
            try checkLocality(name, isExport: client.isExport, server: target)
            try component.requireStopped("bind '\(name)'", interface: name)

            let clientSignature = component.registry.signature(named: client.type.signature)!
            var origin = CallOrigin(isRemote: false, client: client.interface)
            let gathering = server.type.cardinality == .gathercast ? server as? ServerInterface : nil
            if let gathering { origin.member = try gathering.joinGathercast(label: "\(component.path)#\(name)") }
            let proxy: any Sendable
            do {
                proxy = try clientSignature.makeProxy(to: target, origin: origin)
            } catch {
                if let gathering, let member = origin.member { gathering.leaveGathercast(member.id) }
                throw error
            }
            component.state.withLock { state in
                state.bindings[name, default: []].append(target)
                // A client keeps its servers alive, except its own composite through an import:
                // that composite keeps the client alive already, and the two would never go.
                if !target.isInternal { state.boundServers.append(target.owner) }
                if let gathering, let member = origin.member { state.gathercastJoins[name, default: []].append((gathering, member.id)) }
            }
            if !client.isExport, let port = component.ports[client.type.name] {
                port.connect(member: name, target: BoundServer(id: ObjectIdentifier(target), name: "\(target.owner.name)#\(target.name)"), proxy: proxy)
            }
        }
    }

    /// Binds client interface `name` to a server interface on another node (on a composite:
    /// the inside of a server interface, exported from a component on another node).
    ///
    /// Calls then travel through `remote.channel`; the component's code does not change.
    /// Locality rules do not apply across nodes; the signature, lifecycle and "already bound"
    /// rules do.
    public func bind(_ name: String, to remote: RemoteReference) throws {
        if let membrane = membraneSide(name) { return try membrane.bind(name, to: remote) }
        try Reconfiguration.perform {
            let client = try clientSide(name)
            let bound = !component.boundTargets(of: name).isEmpty || !component.remoteTargets(of: name).isEmpty
            if client.type.cardinality == .multicast {
                if component.remoteTargets(of: name).contains(remote) {
                    throw FractalError(.alreadyBound, component: component.path, interface: name,
                                       "multicast interface '\(name)' is already bound to \(remote)")
                }
            } else if bound {
                throw FractalError(.alreadyBound, component: component.path, interface: name,
                                   "'\(name)' is already bound; unbind it first")
            }
            guard component.registry.isSubsignature(remote.signature, of: client.type.signature) else {
                throw FractalError(.signatureMismatch, component: component.path, interface: name,
                                   "cannot bind '\(name)' (\(client.type.signature)) to \(remote) (\(remote.signature))")
            }
            try component.requireStopped("bind '\(name)'", interface: name)
            let clientSignature = component.registry.signature(named: client.type.signature)!
            let proxy = try clientSignature.makeProxy(to: remote.target, origin: CallOrigin(isRemote: false, client: client.interface))
            component.state.withLock { $0.remoteBindings[name, default: []].append(remote) }
            component.ports[client.type.name]?.connect(member: name, target: BoundServer(id: ObjectIdentifier(RemoteIdentity.of(remote)), name: remote.placementName), proxy: proxy)
        }
    }

    /// The servers on other nodes `name` is bound to.
    public func lookupRemote(_ name: String) throws -> [RemoteReference] {
        if let membrane = membraneSide(name) { return try membrane.lookupRemote(name) }
        _ = try clientSide(name)
        return component.remoteTargets(of: name)
    }

    /// Unbinds client interface `name` (from every server, for a multicast).
    ///
    /// - Throws: ``FractalError/Kind/notBound``, ``FractalError/Kind/illegalLifeCycleState``.
    public func unbind(_ name: String) throws {
        try unbind(name, from: nil)
    }

    /// Unbinds one server from multicast interface `name` (or `name` entirely when `server` is nil).
    public func unbind(_ name: String, from server: (any Interface)?) throws {
        if let membrane = membraneSide(name) { return try membrane.unbind(name, from: server) }
        try Reconfiguration.perform {
            let client = try clientSide(name)
            let remote = component.remoteTargets(of: name)
            if server == nil, !remote.isEmpty {
                try component.requireStopped("unbind '\(name)'", interface: name)
                component.state.withLock { $0.remoteBindings[name] = nil }
                if let port = component.ports[client.type.name] {
                    for reference in remote {
                        port.disconnect(member: name, target: ObjectIdentifier(RemoteIdentity.of(reference)))
                    }
                }
                if component.boundTargets(of: name).isEmpty { return }
            }
            let bound = component.boundTargets(of: name)
            let removed = bound.filter { server == nil || $0 === server }
            guard !removed.isEmpty else {
                throw FractalError(.notBound, component: component.path, interface: name,
                                   server.map { "'\(name)' is not bound to \($0)" } ?? "'\(name)' is not bound")
            }
            try component.requireStopped("unbind '\(name)'", interface: name)
            // This binding may be what keeps a server alive: it must outlive what is done to
            // it below (leaving its gathercast).
            let servers = removed.map(\.owner)
            defer { withExtendedLifetime(servers) {} }
            component.state.withLock { state in
                state.bindings[name] = bound.filter { target in !removed.contains { $0 === target } }
                if state.bindings[name]?.isEmpty == true { state.bindings[name] = nil }
                for target in removed {
                    if let index = state.boundServers.firstIndex(where: { $0 === target.owner }) {
                        state.boundServers.remove(at: index)
                    }
                }
            }
            let left = component.state.withLock { state -> [(server: ServerInterface, member: UInt64)] in
                let joins = state.gathercastJoins[name] ?? []
                let (gone, kept) = (joins.filter { join in removed.contains { $0 === join.server } },
                                    joins.filter { join in !removed.contains { $0 === join.server } })
                state.gathercastJoins[name] = kept.isEmpty ? nil : kept
                return gone
            }
            for join in left { join.server.leaveGathercast(join.member) }
            for target in removed {
                if !client.isExport, let port = component.ports[client.type.name] {
                    port.disconnect(member: name, target: ObjectIdentifier(target))
                }
            }
        }
    }

    /// The binding controller of the membrane, when `name` is one of its external client
    /// interfaces rather than the component's.
    private var membraneSide: (String) -> BindingController? {
        { name in
            guard component.type.interfaceType(named: name) == nil, let membrane = component.membraneComposite,
                  membrane.externalMembraneInterface(name)?.type.role == .client else { return nil }
            return membrane.bindingController
        }
    }

    /// The client side named `name`: an external client interface, or the inside of a
    /// composite's server interface (an export).
    private func clientSide(_ name: String) throws -> (type: InterfaceType, isExport: Bool, interface: (any Interface)?) {
        if let type = component.type.interfaceType(named: name) {
            if type.role == .client {
                return (type, false, try component.interface(named: name))
            }
            if component.isComposite, type.name == name {
                return (type, true, component.internalClientInterface(name))
            }
            throw FractalError(.notAClientInterface, component: component.path, interface: name,
                               "'\(name)' is a server interface of a primitive: only client interfaces can be bound")
        }
        throw component.noSuchInterface(name)
    }

    /// Normal bindings join siblings (or two top-level components); exports go from a composite
    /// to its sub-component; imports from a sub-component to its composite's inside.
    ///
    /// A membrane counts as its component (its external interfaces are the component's), and
    /// may also bind to its component's sub-components (internal client interfaces), which may
    /// call its internal server interfaces; a membrane component may pass calls on to the
    /// inside of its component's server interfaces.
    private func checkLocality(_ name: String, isExport: Bool, server: any CallTarget) throws {
        let serverOwner = server.owner
        let local: Bool
        let expected: String
        if isExport {
            local = server.isInternal
                ? serverOwner === component
                : component.children.contains { $0 === (serverOwner.membraneHost ?? serverOwner) }
            expected = "the inside of a composite's server interface binds to one of its sub-components"
        } else if server is ContentFace || server is ControllerInterface {
            local = component.parents.contains { $0.membraneHost === serverOwner }
            expected = "the inside of a server interface, or a controller, can only be bound from its component's membrane"
        } else if server.isInternal {
            local = component.parents.contains { $0 === serverOwner }
            expected = "an internal interface can only be bound from a sub-component of its composite"
        } else {
            let me = component.membraneHost ?? component
            let them = serverOwner.membraneHost ?? serverOwner
            let mine = me.parents
            let theirs = them.parents
            local = (mine.isEmpty && theirs.isEmpty) || mine.contains { parent in theirs.contains { $0 === parent } }
                || (me !== component && theirs.contains { $0 === me })
                || (them !== serverOwner && mine.contains { $0 === them })
            expected = "both components must be in one composite (or both top-level)"
        }
        if !local {
            throw FractalError(.notLocalBinding, component: component.path, interface: name,
                               "'\(name)' cannot be bound to \(server): not a local binding (\(expected))")
        }
    }
}

extension Component {
    public var bindingController: BindingController { BindingController(component: self) }
}

/// One identity object per remote reference, so that ports can tell remote servers apart.
enum RemoteIdentity {
    private static let table = Mutex<[RemoteReference: Token]>([:])

    final class Token: Sendable {}

    static func of(_ reference: RemoteReference) -> Token {
        table.withLock { table in
            if let token = table[reference] { return token }
            let token = Token()
            table[reference] = token
            return token
        }
    }
}

import Synchronization
