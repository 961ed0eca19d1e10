import Synchronization

/// One client bound to a gathercast server interface.
///
/// A member is made when the binding is, and a round knows its callers by it: a client that is
/// renamed or moved, or that calls from another node, stays the same member, and two clients
/// with the same path are still two.
public struct GathercastMember: Sendable, Hashable {
    /// Unique in the process.
    public let id: UInt64
    /// What the receiver is told about the caller (`/top/client#g`, or `node:/top/client#g`).
    public let label: String

    private static let next = Atomic<UInt64>(1)

    static func make(label: String) -> GathercastMember {
        GathercastMember(id: next.wrappingAdd(1, ordering: .relaxed).oldValue, label: label)
    }
}

extension ServerInterface {
    /// Adds a member to this gathercast interface: rounds then wait for it too. For a client on
    /// another node, whose calls arrive through an export made for that member.
    package func joinGathercast(label: String) throws -> GathercastMember {
        guard type.cardinality == .gathercast else {
            throw FractalError(.invalidType, component: owner.path, interface: name, "'\(name)' is not a gathercast interface")
        }
        let member = GathercastMember.make(label: label)
        owner.state.withLock { $0.gathercastClients[name, default: []].append(member) }
        return member
    }

    /// Removes member `id`: rounds no longer wait for it.
    package func leaveGathercast(_ id: UInt64) {
        owner.state.withLock { state in
            state.gathercastClients[name]?.removeAll { $0.id == id }
        }
    }
}
