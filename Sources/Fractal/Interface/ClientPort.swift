/// The type-erased face of the client ports content declares (``Client``, ``ClientCollection``,
/// ``Multicast``): what the binding controller uses to hand content its bound servers.
protocol ClientPort: AnyObject, Sendable {
    var declaredName: String? { get }
    var cardinality: Cardinality { get }
    /// `ObjectIdentifier` of the protocol existential the port holds.
    var signatureType: ObjectIdentifier { get }
    var signatureTypeName: String { get }
    func attach(owner: Component, interface: String)
    /// Hands the port a proxy for member `member` (the interface name, e.g. `clients0`).
    func connect(member: String, target: BoundServer, proxy: any Sendable)
    func disconnect(member: String, target: ObjectIdentifier)
}

/// Where a port says who it belongs to in its errors.
struct PortPlace: Sendable {
    weak var owner: Component?
    var interface: String

    var path: String? { owner?.path }
}

/// The server interface a port member is bound to: its identity, and a name stable across
/// processes (its path and interface name).
struct BoundServer: Sendable {
    var id: ObjectIdentifier
    var name: String
}
