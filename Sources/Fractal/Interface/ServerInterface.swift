import Synchronization

/// An external server interface: what clients bind to and call.
///
/// Calls pass the owner's lifecycle gate, then the interface's interceptors, then reach the
/// primitive's content, or, for a composite, the sub-component the interface is exported from.
public final class ServerInterface: CallTarget {
    public unowned let owner: Component
    public let name: String
    public let type: InterfaceType
    public var isInternal: Bool { false }

    let signature: InterfaceSignature
    let gathercast: Gathercast?
    private let interceptorList = Mutex<[any Interceptor]>([])
    @usableFromInline let hasInterceptorsFlag = Atomic<Bool>(false)
    /// The membrane component's server interface that takes this interface's calls first (GCM
    /// interception), if any.
    private let membraneRoute = Mutex<(any CallTarget)?>(nil)
    /// Set once an endpoint was handed out: a binding made before a route would bypass it.
    private let endpointGiven = Atomic<Bool>(false)
    private let face = Mutex<ContentFace?>(nil)

    init(owner: Component, type: InterfaceType, signature: InterfaceSignature) {
        self.owner = owner
        self.name = type.name
        self.type = type
        self.signature = signature
        gathercast = type.cardinality == .gathercast
            ? Gathercast(timeout: owner.controllerDescription.gathercastTimeout) : nil
    }

    @inlinable
    var hasInterceptors: Bool { hasInterceptorsFlag.load(ordering: .acquiring) }

    @usableFromInline
    var interceptors: [any Interceptor] { interceptorList.withLock { $0 } }

    func setInterceptors(_ update: (inout [any Interceptor]) -> Void) {
        interceptorList.withLock { list in
            update(&list)
            hasInterceptorsFlag.store(!list.isEmpty, ordering: .releasing)
        }
    }

    func endpoint<S: Sendable>(_ signature: S.Type, origin: CallOrigin) throws -> Endpoint<S> {
        if let route = membraneRoute.withLock({ $0 }) {
            return try route.endpoint(S.self, origin: origin)
        }
        endpointGiven.store(true, ordering: .relaxed)
        return try contentEndpoint(S.self, origin: origin)
    }

    /// The endpoint past the membrane's components: gate, interceptors, content or export.
    func contentEndpoint<S: Sendable>(_ signature: S.Type, origin: CallOrigin) throws -> Endpoint<S> {
        if let gathercast {
            guard let receiver = owner.content as? any GathercastReceiver else {
                throw FractalError(.contentDoesNotImplement, component: owner.path, interface: name,
                                   "the content does not implement GathercastReceiver, which a gathercast interface needs")
            }
            return GathercastEndpoint(port: self, gathercast: gathercast, receiver: receiver, origin: origin)
        }
        if let content = owner.content {
            guard let typed = content as? S else {
                throw FractalError(.signatureMismatch, component: owner.path, interface: name,
                                   "the content (\(Swift.type(of: content))) does not conform to \(S.self)")
            }
            return ContentEndpoint(port: self, target: typed, origin: origin)
        }
        return ExportEndpoint(port: self, origin: origin)
    }

    /// Sends this interface's calls to `target`, a server interface of a membrane component,
    /// which reaches the content through ``contentSide``.
    func route(to target: any CallTarget) throws {
        if type.cardinality == .gathercast {
            throw FractalError(.invalidType, component: owner.path, interface: name,
                               "a gathercast interface cannot be routed through a membrane component")
        }
        guard owner.registry.isSubsignature(target.type.signature, of: type.signature) else {
            throw FractalError(.signatureMismatch, component: owner.path, interface: name,
                               "cannot route '\(name)' (\(type.signature)) to \(target) (\(target.type.signature)): \(target.type.signature) is not a \(type.signature)")
        }
        if endpointGiven.load(ordering: .relaxed) {
            throw FractalError(.alreadyBound, component: owner.path, interface: name,
                               "cannot route '\(name)' through the membrane: clients already call it directly; make the membrane's bindings before binding its clients")
        }
        try membraneRoute.withLock { route in
            if let route {
                throw FractalError(.alreadyBound, component: owner.path, interface: name,
                                   "'\(name)' is already routed to \(route)")
            }
            route = target
        }
    }

    /// The membrane component `name`'s calls go to, if any.
    var routeTarget: (any CallTarget)? { membraneRoute.withLock { $0 } }

    func removeRoute() { membraneRoute.withLock { $0 = nil } }

    /// What a membrane component binds to in order to pass a call on to the content (or the
    /// exporting sub-component) of this interface's component.
    var contentSide: ContentFace {
        face.withLock { face in
            if let face { return face }
            let made = ContentFace(port: self)
            face = made
            return made
        }
    }

    /// Runs `terminal` inside the interceptor chain.
    ///
    /// Inlinable so that the boxing of the result happens in code specialised for `R`.
    @inlinable
    func intercepted<R: Sendable>(
        _ method: String,
        _ arguments: [any Codable & Sendable],
        isRemote: Bool,
        _ terminal: () async throws -> R
    ) async throws -> R {
        let invocation = Invocation(component: owner, interface: name, method: method, arguments: arguments, isRemote: isRemote)
        let result = try await Self.run(interceptors, from: 0, invocation) { try await terminal() }
        if let typed = result as? R { return typed }
        throw wrongResult(result, from: method, expected: "\(R.self)")
    }

    @usableFromInline
    func wrongResult(_ result: any Sendable, from method: String, expected: String) -> FractalError {
        FractalError(.invalidType, component: owner.path, interface: name,
                     "an interceptor returned a \(Swift.type(of: result)) from \(method), which returns \(expected)")
    }

    @usableFromInline
    static func run(
        _ chain: [any Interceptor], from index: Int, _ invocation: Invocation,
        _ terminal: () async throws -> any Sendable
    ) async throws -> any Sendable {
        if index == chain.count { return try await terminal() }
        return try await chain[index].intercept(invocation) {
            try await run(chain, from: index + 1, invocation, terminal)
        }
    }
}

/// Calls to a primitive's server interface: gate, interceptors, content.
final class ContentEndpoint<S: Sendable>: Endpoint<S>, @unchecked Sendable {
    let port: ServerInterface
    let owner: Component
    let gate: CallGate
    let target: S
    let origin: CallOrigin

    init(port: ServerInterface, target: S, origin: CallOrigin) {
        self.port = port
        self.owner = port.owner
        self.gate = port.owner.gate
        self.target = target
        self.origin = origin
        if origin.isRemote {
            super.init()
        } else {
            super.init(direct: DirectPath(target: target, gate: port.owner.gate, port: port, recordsChain: port.owner.makesCalls))
        }
    }

    override func perform<R: Codable & Sendable>(
        _ method: String,
        _ arguments: @autoclosure () -> [any Codable & Sendable],
        _ body: (S) async throws -> R
    ) async throws -> R {
        if !gate.tryEnter() {
            try await owner.waitToEnter(port.name)
        }
        defer { gate.leave() }
        if port.hasInterceptors {
            return try await owner.insideCall {
                try await port.intercepted(method, arguments(), isRemote: origin.isRemote) { try await body(target) }
            }
        }
        if owner.makesCalls {
            return try await owner.insideCall { try await body(target) }
        }
        return try await body(target)
    }
}

/// Calls to a composite's server interface: the composite's gate and interceptors, then the
/// sub-component interface it is exported from.
final class ExportEndpoint<S: Sendable>: Endpoint<S>, @unchecked Sendable {
    let port: ServerInterface
    let owner: Component
    let origin: CallOrigin
    private let forward: Forwarder<S>

    init(port: ServerInterface, origin: CallOrigin) {
        self.port = port
        self.owner = port.owner
        self.origin = origin
        self.forward = Forwarder(owner: port.owner, binding: port.name, origin: origin)
        super.init()
    }

    override func perform<R: Codable & Sendable>(
        _ method: String,
        _ arguments: @autoclosure () -> [any Codable & Sendable],
        _ body: (S) async throws -> R
    ) async throws -> R {
        if !owner.gate.tryEnter() {
            try await owner.waitToEnter(port.name)
        }
        defer { owner.gate.leave() }
        let next = try forward.endpoint()
        // The call is in progress in the composite until the sub-component returns: a stop of
        // the composite must let it into the sub-component rather than hold it at the door.
        return try await owner.insideCall {
            if port.hasInterceptors {
                return try await port.intercepted(method, arguments(), isRemote: origin.isRemote) {
                    try await next.invoke(method, arguments(), body)
                }
            }
            return try await next.invoke(method, arguments(), body)
        }
    }
}

/// Finds, call after call, the endpoint a composite's binding named `binding` leads to.
///
/// Bindings change only while the composite is stopped, so the last endpoint is kept and
/// reused while the binding still leads to the same interface.
///
/// It holds the composite weakly: a sub-component's import endpoint (cached in its client
/// port) would otherwise keep its own composite alive, and the composite it, forever.
final class Forwarder<S: Sendable>: Sendable {
    weak let owner: Component?
    let binding: String
    let origin: CallOrigin
    private let last = Mutex<(ObjectIdentifier, Endpoint<S>)?>(nil)

    init(owner: Component, binding: String, origin: CallOrigin) {
        self.owner = owner
        self.binding = binding
        self.origin = origin
    }

    func endpoint() throws -> Endpoint<S> {
        guard let owner else {
            throw FractalError(.notBound, interface: binding,
                               "the call cannot go on: the composite that '\(binding)' belongs to has been released")
        }
        guard let target = owner.boundTargets(of: binding).first else {
            if let remote = owner.remoteTargets(of: binding).first {
                return try remote.target.endpoint(S.self, origin: origin)
            }
            throw FractalError(.notBound, component: owner.path, interface: binding,
                               "the call cannot go on: '\(binding)' is not bound inside the composite")
        }
        let id = ObjectIdentifier(target)
        if let (known, endpoint) = last.withLock({ $0 }), known == id { return endpoint }
        let endpoint = try target.endpoint(S.self, origin: origin)
        last.withLock { $0 = (id, endpoint) }
        return endpoint
    }
}

/// The inside of a server interface, as membrane components see it: calls made to it skip the
/// membrane components and reach the lifecycle gate, interceptors and content.
final class ContentFace: CallTarget {
    unowned let port: ServerInterface
    var owner: Component { port.owner }
    var name: String { port.name }
    var type: InterfaceType { port.type }
    var isInternal: Bool { true }

    init(port: ServerInterface) { self.port = port }

    func endpoint<S: Sendable>(_ signature: S.Type, origin: CallOrigin) throws -> Endpoint<S> {
        try port.contentEndpoint(S.self, origin: origin)
    }
}
