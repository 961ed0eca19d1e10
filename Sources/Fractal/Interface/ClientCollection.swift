import Synchronization

/// A collection client interface, as content sees it: its bound members by name.
///
/// A collection interface `workers` has members `workers0`, `workersA`, … each bound on its
/// own; members are listed in name order.
public final class ClientCollection<S: Sendable>: Sendable {
    public let declaredName: String?
    private let state = Mutex<[String: S]>([:])

    public init(_ name: String? = nil) {
        declaredName = name
    }

    /// The bound members, in name order.
    public var members: [(name: String, server: S)] {
        state.withLock { $0 }.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// The server bound to member `name`, if any.
    public subscript(name: String) -> S? { state.withLock { $0[name] } }

    public var count: Int { state.withLock { $0.count } }
}

extension ClientCollection: ClientPort {
    var cardinality: Cardinality { .collection }
    var signatureType: ObjectIdentifier { ObjectIdentifier(S.self) }
    var signatureTypeName: String { "\(S.self)" }

    func attach(owner: Component, interface: String) {}

    func connect(member: String, target: BoundServer, proxy: any Sendable) {
        let typed = proxy as! S
        state.withLock { $0[member] = typed }
    }

    func disconnect(member: String, target: ObjectIdentifier) {
        _ = state.withLock { $0.removeValue(forKey: member) }
    }
}
