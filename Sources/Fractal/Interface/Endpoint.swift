/// Where a proxy sends the calls of an interface whose protocol existential is `S`.
///
/// A proxy calls ``invoke(_:_:_:)-(_,_,(S)->R)`` with the method identifier, the arguments
/// (evaluated only when someone needs them: an interceptor or a serialising path) and a
/// closure that makes the call on the implementation. Subclasses decide what happens between:
/// the lifecycle gate and interceptors of a server interface, forwarding through a composite,
/// serialisation to another node.
///
/// Endpoints are created by the runtime when a binding is made; they cannot be subclassed
/// outside the runtime.
public class Endpoint<S: Sendable>: @unchecked Sendable {
    /// Set for a primitive's server interface: lets ``invoke(_:_:_:)-(_,_,(S)->R)`` call the
    /// content directly, inlined into the proxy, when the gate is open and nothing else has to
    /// happen.
    @usableFromInline let direct: DirectPath<S>?

    init() { direct = nil }

    init(direct: DirectPath<S>) { self.direct = direct }

    /// Calls `method` and returns its result.
    @inlinable @inline(__always)
    public final func invoke<R: Codable & Sendable>(
        _ method: String,
        _ arguments: @autoclosure () -> [any Codable & Sendable],
        _ body: (S) async throws -> R
    ) async throws -> R {
        if let direct, direct.gate.tryEnter() {
            if !direct.recordsChain {
                defer { direct.gate.leave() }
                if !direct.port.hasInterceptors { return try await body(direct.target) }
                return try await direct.port.intercepted(method, arguments(), isRemote: false) { try await body(direct.target) }
            }
            direct.gate.leave()
        }
        return try await perform(method, arguments(), body)
    }

    /// What a call does when it cannot take the direct path: subclasses override it.
    @usableFromInline
    func perform<R: Codable & Sendable>(
        _ method: String,
        _ arguments: @autoclosure () -> [any Codable & Sendable],
        _ body: (S) async throws -> R
    ) async throws -> R {
        fatalError("\(type(of: self)) must override perform")
    }

    /// Calls a `Void` method.
    @inlinable @inline(__always)
    public final func invoke(
        _ method: String,
        _ arguments: @autoclosure () -> [any Codable & Sendable],
        _ body: (S) async throws -> Void
    ) async throws {
        _ = try await invoke(method, arguments()) { (target: S) -> Nothing in
            try await body(target)
            return Nothing()
        }
    }
}

/// The direct path to a primitive's content: its gate, its interceptors, and whether a call
/// must record the call chain (then it takes the slow path).
@usableFromInline
struct DirectPath<S: Sendable>: Sendable {
    @usableFromInline let target: S
    @usableFromInline let gate: CallGate
    @usableFromInline let port: ServerInterface
    @usableFromInline let recordsChain: Bool

    init(target: S, gate: CallGate, port: ServerInterface, recordsChain: Bool) {
        self.target = target
        self.gate = gate
        self.port = port
        self.recordsChain = recordsChain
    }
}
