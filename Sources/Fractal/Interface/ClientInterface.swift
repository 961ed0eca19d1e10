/// An external client interface: what a component calls out through.
public final class ClientInterface: Interface {
    public unowned let owner: Component
    public let name: String
    public let type: InterfaceType
    public var isInternal: Bool { false }

    init(owner: Component, name: String, type: InterfaceType) {
        self.owner = owner
        self.name = name
        self.type = type
    }
}

/// The inside of a composite's server interface: the client side sub-components are exported from.
public final class InternalClientInterface: Interface {
    public unowned let owner: Component
    public let name: String
    public let type: InterfaceType
    public var isInternal: Bool { true }

    init(owner: Component, type: InterfaceType) {
        self.owner = owner
        self.name = type.name
        self.type = type
    }
}

/// The inside of a composite's client interface: the server side sub-components import through.
///
/// Calls go on to whatever the composite's client interface is bound to outside.
public final class InternalServerInterface: CallTarget {
    public unowned let owner: Component
    public let name: String
    public let type: InterfaceType
    public var isInternal: Bool { true }

    init(owner: Component, type: InterfaceType) {
        self.owner = owner
        self.name = type.name
        self.type = type
    }

    func endpoint<S: Sendable>(_ signature: S.Type, origin: CallOrigin) throws -> Endpoint<S> {
        ImportEndpoint(forward: Forwarder(owner: owner, binding: name, origin: origin))
    }
}

/// Calls from inside a composite out through one of its client interfaces.
///
/// It does not keep the composite alive (the composite keeps its sub-components alive, whose
/// client ports hold this endpoint): calls fail with `notBound` once the composite is gone.
final class ImportEndpoint<S: Sendable>: Endpoint<S>, @unchecked Sendable {
    let forward: Forwarder<S>

    init(forward: Forwarder<S>) {
        self.forward = forward
        super.init()
    }

    override func perform<R: Codable & Sendable>(
        _ method: String,
        _ arguments: @autoclosure () -> [any Codable & Sendable],
        _ body: (S) async throws -> R
    ) async throws -> R {
        try await forward.endpoint().invoke(method, arguments(), body)
    }
}
