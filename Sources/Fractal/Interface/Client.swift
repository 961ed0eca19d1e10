import Synchronization

/// A singleton client interface, as content sees it: the server it is bound to.
///
/// ```swift
/// final class Greeter: Main {
///     let service = Client<any Service>("s")
///     func run() async throws { try await service().print("hello") }
/// }
/// ```
public final class Client<S: Sendable>: Sendable {
    public let declaredName: String?
    @usableFromInline let target = Mutex<S?>(nil)
    private let place = Mutex<PortPlace?>(nil)

    public init(_ name: String? = nil) {
        declaredName = name
    }

    /// The bound server.
    ///
    /// - Throws: ``FractalError/Kind/notBound`` when the interface is not bound.
    @inlinable
    public func callAsFunction() throws -> S {
        if let server = target.withLock({ $0 }) { return server }
        throw notBound()
    }

    @usableFromInline
    func notBound() -> FractalError {
        let place = place.withLock { $0 }
        let name = place?.interface ?? declaredName ?? "?"
        return FractalError(.notBound, component: place?.path, interface: name,
                            "client interface '\(name)' is not bound")
    }

    /// True while a server is bound.
    public var isBound: Bool { target.withLock { $0 != nil } }
}

extension Client: ClientPort {
    var cardinality: Cardinality { .singleton }
    var signatureType: ObjectIdentifier { ObjectIdentifier(S.self) }
    var signatureTypeName: String { "\(S.self)" }

    func attach(owner: Component, interface: String) {
        place.withLock { $0 = PortPlace(owner: owner, interface: interface) }
    }

    func connect(member: String, target server: BoundServer, proxy: any Sendable) {
        let typed = proxy as! S
        target.withLock { $0 = typed }
    }

    func disconnect(member: String, target server: ObjectIdentifier) {
        target.withLock { $0 = nil }
    }
}
