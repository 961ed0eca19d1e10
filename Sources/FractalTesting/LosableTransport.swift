import FractalRemote
import Synchronization

/// The transport of one node in this process, over the cluster's: it keeps every connection
/// the node opens or accepts, so that the node can be lost at once (``TestCluster/lose(_:how:)``).
///
/// A crash ends every connection without a goodbye and stops listening, as the system does
/// for a process killed with SIGKILL; a silence drops every frame both ways, connections
/// open, as for a process stopped with SIGSTOP or a machine cut off.
final class LosableTransport: Transport {
    let base: any Transport

    private struct State {
        var connections: [LosableConnection] = []
        var listeners: [any Listener] = []
        var loss: TestCluster.Loss?
    }

    private let state = Mutex(State())

    init(over base: any Transport) {
        self.base = base
    }

    var scheme: String { base.scheme }

    func listen(at address: NodeAddress, accept: @escaping @Sendable (any Connection) async -> Void) async throws -> any Listener {
        let listener = try await base.listen(at: address) { [weak self] connection in
            guard let self, let adopted = self.adopt(connection) else {
                await connection.close()
                return
            }
            await accept(adopted)
        }
        let crashed = state.withLock { state in
            if state.loss != .crash { state.listeners.append(listener) }
            return state.loss == .crash
        }
        if crashed {
            await listener.close()
            throw RemoteError(.connectionFailed, "cannot listen at \(address): the node is lost")
        }
        return listener
    }

    func connect(to address: NodeAddress) async throws -> any Connection {
        if state.withLock({ $0.loss == .crash }) {
            throw RemoteError(.connectionFailed, "cannot connect to \(address): the node is lost")
        }
        let connection = try await base.connect(to: address)
        guard let adopted = adopt(connection) else {
            await connection.close()
            throw RemoteError(.connectionFailed, "cannot connect to \(address): the node is lost")
        }
        return adopted
    }

    /// `connection`, kept for a later loss and silent already if the node is; nil once crashed.
    private func adopt(_ connection: any Connection) -> LosableConnection? {
        let adopted = LosableConnection(base: connection)
        let loss = state.withLock { state -> TestCluster.Loss? in
            if state.loss == nil || state.loss == .silence { state.connections.append(adopted) }
            return state.loss
        }
        switch loss {
        case .crash: return nil
        case .silence: adopted.silence()
        case nil: break
        }
        return adopted
    }

    /// Loses the node: every connection it has (and, after a crash, every one it would make)
    /// closed without a goodbye, or silent.
    func lose(_ loss: TestCluster.Loss) async {
        let (connections, listeners) = state.withLock { state in
            state.loss = loss
            defer {
                if loss == .crash {
                    state.connections = []
                    state.listeners = []
                }
            }
            return (state.connections, state.listeners)
        }
        switch loss {
        case .silence:
            for connection in connections { connection.silence() }
        case .crash:
            for listener in listeners { await listener.close() }
            for connection in connections { await connection.end() }
        }
    }
}
