import Synchronization

/// A multicast client interface, as content sees it: one call, many servers (GCM).
///
/// Binding the interface again adds a server. A call goes to the servers ``MulticastPolicy``
/// picks, in parallel, and the results come back as a list in bind order.
///
/// ```swift
/// let workers = Multicast<any Worker>("workers")
/// let sums = try await workers.invoke { try await $0.sum(of: chunk) }          // broadcast
/// let parts = try await workers.scatter(chunks) { try await $0.sum(of: $1) }   // one-to-one
/// ```
public final class Multicast<S: Sendable>: Sendable {
    public let declaredName: String?
    private let state = Mutex<State>(State())
    private let nextIndex = Atomic<Int>(0)

    private struct State {
        var servers: [(target: BoundServer, server: S)] = []
        var place: PortPlace?
    }

    public init(_ name: String? = nil) {
        declaredName = name
    }

    /// The bound servers, in bind order.
    public var servers: [S] { state.withLock { $0.servers.map(\.server) } }

    public var count: Int { state.withLock { $0.servers.count } }

    /// The bound servers in `key`'s rendezvous order, best first, each with the name it is
    /// ranked by (its component's name and interface, `shard-1#store`, the same on every
    /// node; servers of one multicast should not share a component name). A replicated
    /// store puts a key's copies on the first R, and goes down the list when one fails.
    /// `weights` (by that name; 1 when absent) make a server take keys in proportion.
    public func preferenceList(forKey key: String, weights: [String: Double] = [:]) -> [(name: String, server: S)] {
        let servers = state.withLock { $0.servers }
        let names = servers.map(\.target.name)
        let order = RendezvousHash.ranked(key: key, among: names, weights: weights.isEmpty ? nil : names.map { weights[$0] ?? 1 })
        return order.map { (names[$0], servers[$0].server) }
    }

    /// The names servers are ranked by, in bind order (see ``preferenceList(forKey:weights:)``).
    public var serverNames: [String] { state.withLock { $0.servers.map(\.target.name) } }

    /// Calls the servers `policy` selects, in parallel; results in bind order.
    ///
    /// When some servers fail, the others still run to the end, and the first failure in
    /// bind order is thrown.
    public func invoke<R: Sendable>(
        _ policy: MulticastPolicy = .broadcast,
        _ call: @escaping @Sendable (S) async throws -> R
    ) async throws -> [R] {
        let servers = self.servers
        let chosen = try select(policy, count: servers.count)
        return try await fanOut(chosen.map { servers[$0] }) { server, _ in try await call(server) }
    }

    /// One-to-one dispatch: item `i` goes to server `i`.
    ///
    /// - Throws: ``FractalError/Kind/multicastDispatchFailed`` when there are not as many items as servers.
    public func scatter<Item: Sendable, R: Sendable>(
        _ items: [Item],
        _ call: @escaping @Sendable (S, Item) async throws -> R
    ) async throws -> [R] {
        let servers = self.servers
        guard items.count == servers.count else {
            throw error("one-to-one dispatch of \(items.count) items to \(servers.count) servers: the counts must match")
        }
        return try await fanOut(servers) { server, index in try await call(server, items[index]) }
    }

    private func fanOut<R: Sendable>(
        _ servers: [S],
        _ call: @escaping @Sendable (S, Int) async throws -> R
    ) async throws -> [R] {
        if servers.count == 1 { return [try await call(servers[0], 0)] }
        let outcomes = await withTaskGroup(of: (Int, Result<R, any Error>).self) { group in
            for (index, server) in servers.enumerated() {
                group.addTask {
                    do { return (index, .success(try await call(server, index))) } catch { return (index, .failure(error)) }
                }
            }
            var outcomes = [Result<R, any Error>?](repeating: nil, count: servers.count)
            for await (index, outcome) in group { outcomes[index] = outcome }
            return outcomes
        }
        return try outcomes.map { try $0!.get() }
    }

    private func select(_ policy: MulticastPolicy, count: Int) throws -> [Int] {
        guard count > 0 else { throw error("no server is bound") }
        switch policy {
        case .broadcast:
            return Array(0..<count)
        case .roundRobin:
            return [nextIndex.wrappingAdd(1, ordering: .relaxed).oldValue % count]
        case .random:
            return [Int.random(in: 0..<count)]
        case .byKey(let key, let replicas):
            let names = state.withLock { $0.servers.map(\.target.name) }
            guard replicas > 1 else { return [RendezvousHash.pick(key: key, among: names)] }
            return Array(RendezvousHash.ranked(key: key, among: names).prefix(replicas))
        case .custom(let choose):
            let chosen = choose(count)
            guard chosen.allSatisfy({ (0..<count).contains($0) }) else {
                throw error("the custom dispatch chose \(chosen) among \(count) servers")
            }
            return chosen
        }
    }

    private func error(_ message: String) -> FractalError {
        let place = state.withLock { $0.place }
        return FractalError(.multicastDispatchFailed, component: place?.path, interface: place?.interface ?? declaredName, message)
    }
}

extension Multicast: ClientPort {
    var cardinality: Cardinality { .multicast }
    var signatureType: ObjectIdentifier { ObjectIdentifier(S.self) }
    var signatureTypeName: String { "\(S.self)" }

    func attach(owner: Component, interface: String) {
        state.withLock { $0.place = PortPlace(owner: owner, interface: interface) }
    }

    func connect(member: String, target: BoundServer, proxy: any Sendable) {
        let typed = proxy as! S
        state.withLock { $0.servers.append((target, typed)) }
    }

    func disconnect(member: String, target: ObjectIdentifier) {
        state.withLock { $0.servers.removeAll { $0.target.id == target } }
    }
}
