/// An interface signature known by name: what the runtime needs of an `@Interface` protocol
/// when all it has is the name an architecture gives.
public final class InterfaceSignature: Sendable, CustomStringConvertible {
    public let name: String
    public let parentNames: [String]
    public let methodNames: [String]
    let existential: ObjectIdentifier
    private let implementedBy: @Sendable (Any) -> Bool
    private let proxyMaker: @Sendable (any EndpointSource, CallOrigin) throws -> any Sendable
    private let dispatcher: @Sendable (String, inout DataArgumentDecoder, any CallTarget, CallOrigin) async throws -> any Codable & Sendable

    init<P: InterfaceProxy>(_ proxy: P.Type) {
        name = P.signatureName
        parentNames = P.parentSignatureNames
        methodNames = P.methodNames
        existential = ObjectIdentifier(P.Signature.self)
        implementedBy = { $0 is P.Signature }
        proxyMaker = { target, origin in P(endpoint: try target.endpoint(P.Signature.self, origin: origin)) }
        dispatcher = { method, arguments, target, origin in
            try await P.dispatch(method, &arguments, on: try target.endpoint(P.Signature.self, origin: origin))
        }
    }

    /// True when `content` conforms to the protocol.
    public func isImplemented(by content: Any) -> Bool { implementedBy(content) }

    /// A client-side proxy whose calls go to `target`.
    func makeProxy(to target: any EndpointSource, origin: CallOrigin) throws -> any Sendable {
        try proxyMaker(target, origin)
    }

    /// Decodes and performs one serialised call on `target`.
    func dispatch(_ method: String, _ arguments: inout DataArgumentDecoder, on target: any CallTarget, origin: CallOrigin) async throws -> any Codable & Sendable {
        try await dispatcher(method, &arguments, target, origin)
    }

    public var description: String { name }
}
