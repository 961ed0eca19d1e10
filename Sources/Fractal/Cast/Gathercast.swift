import Synchronization

/// The rendezvous of a gathercast server interface: one round per method, completed when every
/// bound client has called or failed when the timeout passes.
final class Gathercast: Sendable {
    let timeout: Duration

    private struct Arrival {
        var member: UInt64
        var client: String
        var order: Int
        var arguments: [any Codable & Sendable]
        var continuation: CheckedContinuation<any Sendable, any Error>
    }

    private struct Round {
        var id: Int
        var arrivals: [Arrival] = []
    }

    private struct State {
        var nextRound = 0
        var rounds: [String: [Round]] = [:]
    }

    private let state = Mutex(State())

    init(timeout: Duration) {
        self.timeout = timeout
    }

    /// Joins the current round of `method` for `member`, and returns this caller's result.
    ///
    /// - Parameter expected: the members bound now, in bind order.
    func arrive(
        method: String, member: GathercastMember, arguments: [any Codable & Sendable],
        expected: [GathercastMember], port: ServerInterface, receiver: any GathercastReceiver
    ) async throws -> any Sendable {
        guard let order = expected.firstIndex(where: { $0.id == member.id }) else {
            throw FractalError(.notBound, component: port.owner.path, interface: port.name,
                               "a gathercast call came from \(member.label), which is no longer bound to it")
        }
        let expectedIDs = Set(expected.map(\.id))
        return try await withCheckedThrowingContinuation { continuation in
            let joined = state.withLock { state -> (ready: [Arrival]?, round: Int, isFirst: Bool) in
                var rounds = state.rounds[method, default: []]
                let arrival = Arrival(member: member.id, client: member.label, order: order, arguments: arguments, continuation: continuation)
                let index = rounds.firstIndex { round in !round.arrivals.contains { $0.member == member.id } }
                let roundIndex: Int
                if let index {
                    roundIndex = index
                } else {
                    state.nextRound += 1
                    rounds.append(Round(id: state.nextRound))
                    roundIndex = rounds.count - 1
                }
                rounds[roundIndex].arrivals.append(arrival)
                let round = rounds[roundIndex]
                let complete = Set(round.arrivals.map(\.member)).isSuperset(of: expectedIDs)
                if complete { rounds.remove(at: roundIndex) }
                state.rounds[method] = rounds
                return (complete ? round.arrivals : nil, round.id, round.arrivals.count == 1)
            }
            if let ready = joined.ready {
                Task { await self.deliver(ready, method: method, port: port, receiver: receiver) }
            } else if joined.isFirst {
                let timeout = self.timeout
                Task { [weak self] in
                    try? await Task.sleep(for: timeout)
                    self?.expire(round: joined.round, method: method, port: port)
                }
            }
        }
    }

    private func deliver(_ arrivals: [Arrival], method: String, port: ServerInterface, receiver: any GathercastReceiver) async {
        let ordered = arrivals.sorted { $0.order < $1.order }
        let calls = GatheredCalls(
            interface: port.name, method: method,
            calls: ordered.map { GatheredCall(client: $0.client, arguments: $0.arguments) })
        do {
            let results = try await receiver.gather(calls)
            guard results.count == ordered.count else {
                throw FractalError(.invalidType, component: port.owner.path, interface: port.name,
                                   "gather(_:) returned \(results.count) results for \(ordered.count) calls")
            }
            for (arrival, result) in zip(ordered, results) { arrival.continuation.resume(returning: result) }
        } catch {
            for arrival in ordered { arrival.continuation.resume(throwing: error) }
        }
    }

    private func expire(round id: Int, method: String, port: ServerInterface) {
        let expired = state.withLock { state -> [Arrival] in
            guard var rounds = state.rounds[method], let index = rounds.firstIndex(where: { $0.id == id }) else { return [] }
            let round = rounds.remove(at: index)
            state.rounds[method] = rounds
            return round.arrivals
        }
        guard !expired.isEmpty else { return }
        let error = FractalError(
            .gathercastTimeout, component: port.owner.path, interface: port.name,
            "gathercast '\(method)' timed out after \(timeout): \(expired.count) of the bound clients called (\(expired.map(\.client).joined(separator: ", ")))")
        for arrival in expired { arrival.continuation.resume(throwing: error) }
    }
}

/// Calls from one client to a gathercast server interface.
final class GathercastEndpoint<S: Sendable>: Endpoint<S>, @unchecked Sendable {
    let port: ServerInterface
    let gathercast: Gathercast
    let receiver: any GathercastReceiver
    let origin: CallOrigin

    init(port: ServerInterface, gathercast: Gathercast, receiver: any GathercastReceiver, origin: CallOrigin) {
        self.port = port
        self.gathercast = gathercast
        self.receiver = receiver
        self.origin = origin
        super.init()
    }

    override func perform<R: Codable & Sendable>(
        _ method: String,
        _ arguments: @autoclosure () -> [any Codable & Sendable],
        _ body: (S) async throws -> R
    ) async throws -> R {
        let owner = port.owner
        if !owner.gate.tryEnter() { try await owner.waitToEnter(port.name) }
        defer { owner.gate.leave() }
        guard let member = origin.member else {
            throw FractalError(.notBound, component: owner.path, interface: port.name,
                               "gathercast '\(port.name)' is called through a binding only: bind a client to it (on another node, through the export its node makes for that client)")
        }
        let arguments = arguments()
        let gather = { () async throws -> R in
            let result = try await self.gathercast.arrive(
                method: method, member: member, arguments: arguments,
                expected: owner.gathercastClients(of: self.port.name), port: self.port, receiver: self.receiver)
            guard let typed = result as? R else {
                throw FractalError(.invalidType, component: owner.path, interface: self.port.name,
                                   "gather(_:) returned a \(type(of: result)) for \(method), which returns \(R.self)")
            }
            return typed
        }
        if port.hasInterceptors {
            return try await port.intercepted(method, arguments, isRemote: origin.isRemote, gather)
        }
        return try await gather()
    }
}
