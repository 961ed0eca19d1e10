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
        ImportEndpoint(forward: Forwarder(owner: owner, binding: name, origin: origin), owner: owner)
    }
}

/// Calls from inside a composite out through one of its client interfaces.
final class ImportEndpoint<S: Sendable>: Endpoint<S>, @unchecked Sendable {
    let forward: Forwarder<S>
    let owner: Component

    init(forward: Forwarder<S>, owner: Component) {
        self.forward = forward
        self.owner = owner
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
