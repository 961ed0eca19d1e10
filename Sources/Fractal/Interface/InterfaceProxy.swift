/// What `@Interface` generates for an interface protocol: the client stub and the server dispatcher.
///
/// You don't write conformances by hand: apply ``Interface()`` to the protocol.
public protocol InterfaceProxy: Sendable {
    /// The existential of the interface protocol, such as `any Service`.
    associatedtype Signature: Sendable

    /// The name under which ADL files and registries know the signature.
    static var signatureName: String { get }
    /// Names of the signatures this one refines.
    static var parentSignatureNames: [String] { get }
    /// Method identifiers in declaration order (`print(_:)`).
    static var methodNames: [String] { get }

    /// The endpoint every call goes to.
    var endpoint: Endpoint<Signature> { get }
    init(endpoint: Endpoint<Signature>)

    /// Decodes the arguments of `method` from `arguments` and invokes it on `endpoint`.
    ///
    /// Called on the receiving side of a serialising path (a remote node). The returned value
    /// is the method's result (``Nothing`` for a `Void` method), ready to be encoded.
    static func dispatch<D: ArgumentDecoder>(
        _ method: String, _ arguments: inout D, on endpoint: Endpoint<Signature>
    ) async throws -> any Codable & Sendable
}

/// The result of a `Void` interface method on the wire.
public struct Nothing: Codable, Sendable, Hashable, CustomStringConvertible {
    public init() {}
    public var description: String { "()" }
}

/// Where a dispatcher reads the arguments of a serialised call, in declaration order.
public protocol ArgumentDecoder {
    /// The next argument, decoded as `type`.
    mutating func next<T: Decodable>(_ type: T.Type) throws -> T
}
