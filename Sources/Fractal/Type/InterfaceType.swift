/// Which side of a binding an interface is on.
public enum Role: String, Sendable, Hashable, Codable, CaseIterable {
    /// The interface calls out: it is bound to a server interface.
    case client
    /// The interface is called: content (or a sub-component) implements it.
    case server
}

/// Whether an interface must be bound (client) or implemented (server) for the component to start.
public enum Contingency: String, Sendable, Hashable, Codable, CaseIterable {
    case mandatory
    case optional
}

/// How many bindings one interface stands for.
public enum Cardinality: String, Sendable, Hashable, Codable, CaseIterable {
    /// One interface, one binding.
    case singleton
    /// A family of interfaces `name0`, `nameX`, … created on first use, each bound on its own.
    case collection
    /// A client interface bound to many servers; one call fans out to all or some of them (GCM).
    case multicast
    /// A server interface bound from many clients; calls are gathered into one (GCM).
    case gathercast
}

/// The type of one interface of a component: Fractal's `InterfaceType`.
///
/// `signature` names an interface protocol as registered in a ``Registry`` (for example
/// `helloworld.Service`), because architecture descriptions name signatures as strings.
public struct InterfaceType: Sendable, Hashable, Codable, CustomStringConvertible {
    public let name: String
    public let signature: String
    public let role: Role
    public let contingency: Contingency
    public let cardinality: Cardinality

    public init(
        name: String,
        signature: String,
        role: Role,
        contingency: Contingency = .mandatory,
        cardinality: Cardinality = .singleton
    ) {
        self.name = name
        self.signature = signature
        self.role = role
        self.contingency = contingency
        self.cardinality = cardinality
    }

    /// An interface type whose signature is an `@Interface` protocol known at compile time.
    ///
    /// The signature is registered in ``Registry/shared`` as a side effect, so that code-first
    /// architectures need no separate registration step.
    public init<P: InterfaceProxy>(
        name: String,
        signature: P.Type,
        role: Role,
        contingency: Contingency = .mandatory,
        cardinality: Cardinality = .singleton
    ) {
        Registry.shared.register(signature)
        self.init(
            name: name, signature: P.signatureName, role: role,
            contingency: contingency, cardinality: cardinality)
    }

    public var isClient: Bool { role == .client }
    public var isOptional: Bool { contingency == .optional }
    /// True for `collection`; multicast and gathercast are reported by ``cardinality``.
    public var isCollection: Bool { cardinality == .collection }

    public var description: String {
        "\(name): \(role.rawValue) \(signature)"
            + (contingency == .optional ? " optional" : "")
            + (cardinality == .singleton ? "" : " \(cardinality.rawValue)")
    }
}
