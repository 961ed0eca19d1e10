import Synchronization

/// A component: a membrane (controllers, interceptors, lifecycle gate) around content, which is
/// a Swift object for a primitive and a set of sub-components for a composite.
///
/// Create components with a ``GenericFactory`` (or ``Component/primitive(_:type:content:registry:)``
/// and ``Component/composite(_:type:registry:)``), reach their controllers through the
/// properties below, and call their server interfaces through
/// ``Interface/callable(as:)``. Every operation is safe from any task.
public final class Component: Sendable, Hashable, CustomStringConvertible {
    public let type: ComponentType
    public let controllerDescription: ControllerDescription
    /// Where signatures and content classes are looked up.
    public let registry: Registry
    /// A primitive's content object; nil for a composite. Not public: calls reach content
    /// through the membrane (lifecycle gate, interceptors, membrane components) only.
    package let content: (any Sendable)?
    /// The registered name of the content class, when the content was made by name.
    public let contentClassName: String?

    /// The Swift type of a primitive's content (`ServerImpl`); nil for a composite.
    public var contentTypeName: String? { content.map { "\(Swift.type(of: $0))" } }

    let gate = CallGate()
    let state: Mutex<MembraneState>
    private let table = Mutex(InterfaceTable())
    let ports: [String: any ClientPort]
    let attributes: [(name: String, attribute: any AnyAttribute)]
    let lifeCycleLock = AsyncLock()
    /// True when content can call out (it has client interfaces): its calls then record the
    /// call chain so that a stop can drain nested calls.
    let makesCalls: Bool

    struct MembraneState {
        var name: String
        var parents: [WeakComponent] = []
        var children: [Component] = []
        /// Client-side interface name → servers, in bind order. For a composite, the key of an
        /// export binding is the name of its server interface (the internal client side).
        var bindings: [String: [any CallTarget]] = [:]
        /// The owners of the servers bound above, once per binding: a client keeps the servers
        /// it is bound to alive (not its composite, through an import binding).
        var boundServers: [Component] = []
        /// Client interface name → server interfaces on other nodes, in bind order.
        var remoteBindings: [String: [RemoteReference]] = [:]
        /// Gathercast server interface name → the clients bound to it, in bind order.
        var gathercastClients: [String: [GathercastMember]] = [:]
        /// Client interface name → the gathercast servers it joined, and its member there.
        var gathercastJoins: [String: [(server: ServerInterface, member: UInt64)]] = [:]
        /// The composite that holds its non-functional part (GCM), when it has one.
        var membrane: Component?
        /// For a membrane: the component it belongs to.
        var host: WeakComponent?
        /// For a membrane: its interfaces that face the component's inside (internal-client,
        /// internal-server), which the component does not show outside.
        var internalNames: Set<String> = []
    }

    struct WeakComponent {
        weak var component: Component?
    }

    private struct InterfaceTable {
        var servers: [String: ServerInterface] = [:]
        var clients: [String: ClientInterface] = [:]
        var internalClients: [String: InternalClientInterface] = [:]
        var internalServers: [String: InternalServerInterface] = [:]
    }

    init(
        name: String, type: ComponentType, controller: ControllerDescription,
        content: (any Sendable)?, contentClassName: String? = nil, ports: [String: any ClientPort],
        attributes: [(String, any AnyAttribute)], signatures: [String: InterfaceSignature],
        registry: Registry
    ) {
        self.type = type
        self.controllerDescription = controller
        self.registry = registry
        self.content = content
        self.contentClassName = contentClassName
        self.ports = ports
        self.attributes = attributes.map { (name: $0.0, attribute: $0.1) }
        self.state = Mutex(MembraneState(name: name))
        self.makesCalls = content != nil && type.interfaceTypes.contains { $0.role == .client }
        table.withLock { table in
            for interfaceType in type.interfaceTypes {
                switch interfaceType.role {
                case .server:
                    table.servers[interfaceType.name] = ServerInterface(
                        owner: self, type: interfaceType, signature: signatures[interfaceType.signature]!)
                    if controller.kind == .composite {
                        table.internalClients[interfaceType.name] = InternalClientInterface(owner: self, type: interfaceType)
                    }
                case .client:
                    if !interfaceType.isCollection {
                        table.clients[interfaceType.name] = ClientInterface(owner: self, name: interfaceType.name, type: interfaceType)
                    }
                    if controller.kind == .composite {
                        table.internalServers[interfaceType.name] = InternalServerInterface(owner: self, type: interfaceType)
                    }
                }
            }
        }
        for (name, port) in ports { port.attach(owner: self, interface: name) }
    }

    // MARK: Identity

    public static func == (lhs: Component, rhs: Component) -> Bool { lhs === rhs }
    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }

    public var isComposite: Bool { controllerDescription.kind == .composite }

    /// The component's name (its name controller's).
    public var name: String { state.withLock { $0.name } }

    /// `/Top/middle/name`, following the first parent of each component.
    public var path: String {
        var names: [String] = []
        var current: Component? = self
        var seen: Set<ObjectIdentifier> = []
        while let component = current, seen.insert(ObjectIdentifier(component)).inserted {
            let (name, parent) = component.state.withLock { ($0.name, $0.parents.first?.component ?? $0.host?.component) }
            names.append(name)
            current = parent
        }
        return "/" + names.reversed().joined(separator: "/")
    }

    public var description: String { path }

    // MARK: Interfaces

    /// The external interfaces: server and client interfaces, with the collection members
    /// created so far.
    public var interfaces: [any Interface] {
        table.withLock { table in
            let servers: [any Interface] = table.servers.values.sorted { $0.name < $1.name }
            let clients: [any Interface] = table.clients.values.sorted { $0.name < $1.name }
            return servers + clients
        }
    }

    /// External interface `name`. A collection member (`clients0`) is created on first use.
    /// The external interfaces of its membrane (``MembraneController``) are found here too.
    ///
    /// - Throws: ``FractalError/Kind/noSuchInterface``.
    public func interface(named name: String) throws -> any Interface {
        if let known: any Interface = table.withLock({ table -> (any Interface)? in table.servers[name] ?? table.clients[name] }) {
            return known
        }
        if let membrane = membraneComposite, let interface = membrane.externalMembraneInterface(name) {
            return interface
        }
        if let type = type.interfaceType(named: name), type.isCollection, type.role == .client {
            return table.withLock { table in
                if let made = table.clients[name] { return made }
                let member = ClientInterface(owner: self, name: name, type: type)
                table.clients[name] = member
                return member
            }
        }
        throw noSuchInterface(name)
    }

    func serverInterface(_ name: String) -> ServerInterface? { table.withLock { $0.servers[name] } }
    func clientInterface(_ name: String) -> ClientInterface? { table.withLock { $0.clients[name] } }
    func internalClientInterface(_ name: String) -> InternalClientInterface? { table.withLock { $0.internalClients[name] } }
    func internalServerInterface(_ name: String) -> InternalServerInterface? { table.withLock { $0.internalServers[name] } }
    var serverInterfaces: [ServerInterface] { table.withLock { $0.servers.values.sorted { $0.name < $1.name } } }
    var internalInterfaceList: [any Interface] {
        table.withLock { table in
            let clients: [any Interface] = table.internalClients.values.sorted { $0.name < $1.name }
            let servers: [any Interface] = table.internalServers.values.sorted { $0.name < $1.name }
            return clients + servers
        }
    }

    func noSuchInterface(_ name: String) -> FractalError {
        let names = type.interfaceTypes.map(\.name) + (membraneComposite?.externalMembraneNames ?? [])
        let known = names.joined(separator: ", ")
        return FractalError(.noSuchInterface, component: path, interface: name,
                            "no interface named '\(name)' (the component has: \(known.isEmpty ? "none" : known))")
    }

    // MARK: Bindings (read side)

    func boundTargets(of name: String) -> [any CallTarget] {
        state.withLock { $0.bindings[name] ?? [] }
    }

    func remoteTargets(of name: String) -> [RemoteReference] {
        state.withLock { $0.remoteBindings[name] ?? [] }
    }

    func gathercastClients(of name: String) -> [GathercastMember] {
        state.withLock { $0.gathercastClients[name] ?? [] }
    }

    // MARK: Calls

    /// Waits for the gate to admit a call to interface `name`.
    func waitToEnter(_ name: String) async throws {
        let deadline = controllerDescription.callDeadline
        try await gate.enter(deadline: deadline, deadlineError: FractalError(
            .callDeadlineExceeded, component: self.path, interface: name,
            "the component stayed stopped for \(deadline) while a call to '\(name)' waited for it to start"))
    }

    /// Runs `body` as a call in progress in this component, so that calls it makes are
    /// recognised as part of it while the component stops.
    @inline(__always)
    func insideCall<R>(_ body: () async throws -> R) async throws -> R {
        try await CallGate.$chain.withValue(CallGate.ChainLink(gate: gate, parent: CallGate.chain)) {
            try await body()
        }
    }
}
