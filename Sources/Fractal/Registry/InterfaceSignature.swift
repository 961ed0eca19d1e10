/// An interface signature known by name: what the runtime needs of an `@Interface` protocol
/// when all it has is the name an architecture gives.
public final class InterfaceSignature: Sendable, CustomStringConvertible {
    public let name: String
    public let parentNames: [String]
    public let methodNames: [String]
    let existential: ObjectIdentifier
    private let implementedBy: @Sendable (Any) -> Bool
    private let proxyMaker: @Sendable (any EndpointSource, CallOrigin) throws -> any Sendable
    private let endpointMaker: @Sendable (any CallTarget, CallOrigin) throws -> any AnyObject & Sendable
    private let dispatcher: @Sendable (String, inout DataArgumentDecoder, any AnyObject & Sendable) async throws -> any Codable & Sendable

    init<P: InterfaceProxy>(_ proxy: P.Type) {
        name = P.signatureName
        parentNames = P.parentSignatureNames
        methodNames = P.methodNames
        existential = ObjectIdentifier(P.Signature.self)
        implementedBy = { $0 is P.Signature }
        proxyMaker = { target, origin in P(endpoint: try target.endpoint(P.Signature.self, origin: origin)) }
        endpointMaker = { target, origin in try target.endpoint(P.Signature.self, origin: origin) }
        dispatcher = { method, arguments, endpoint in
            try await P.dispatch(method, &arguments, on: endpoint as! Endpoint<P.Signature>)
        }
    }

    /// True when `content` conforms to the protocol.
    public func isImplemented(by content: Any) -> Bool { implementedBy(content) }

    /// A client-side proxy whose calls go to `target`.
    func makeProxy(to target: any EndpointSource, origin: CallOrigin) throws -> any Sendable {
        try proxyMaker(target, origin)
    }

    /// The endpoint of `target` for calls with this signature, to give ``dispatch(_:_:on:)``:
    /// made once per exported interface, not per call.
    func endpoint(of target: any CallTarget, origin: CallOrigin) throws -> any AnyObject & Sendable {
        try endpointMaker(target, origin)
    }

    /// Decodes and performs one serialised call through `endpoint`, made by ``endpoint(of:origin:)``
    /// of this signature.
    func dispatch(_ method: String, _ arguments: inout DataArgumentDecoder, on endpoint: any AnyObject & Sendable) async throws -> any Codable & Sendable {
        try await dispatcher(method, &arguments, endpoint)
    }

    public var description: String { name }
}
