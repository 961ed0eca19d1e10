import FractalDeployment
import FractalRemote
import Foundation

extension TestCluster {
    /// How a node is lost.
    public enum Loss: Sendable, Hashable {
        /// The node dies: a process is killed with SIGKILL; a node in this process has every
        /// connection ended without a goodbye and stops listening. The others see their
        /// connections close (`RemoteError.connectionClosed`) at once.
        case crash
        /// The node falls silent, its connections open: a process is stopped with SIGSTOP; a
        /// node in this process has every frame it sends or receives dropped. The others
        /// declare it lost (`RemoteError.nodeLost`) when their loss timeout passes
        /// (`PeerOptions.lossTimeout`).
        case silence
    }

    /// Loses node `name`, without telling anyone: see ``Loss``. The coordinator and the other
    /// nodes find out as they would in production; ``waitUntilLost(_:timeout:)`` waits until
    /// the coordinator has. A node cannot come back; a silent node can still be crashed.
    ///
    /// - Throws: ``TestClusterError`` `.unknownNode`, or `.ended` once the closure has ended.
    public func lose(_ name: String, how loss: Loss = .crash) async throws {
        try checkNotEnded()
        await inflict(loss, on: try node(name))
    }

    /// Loses `member`, unless it is lost that way (or crashed) already.
    func inflict(_ loss: Loss, on member: TestNode) async {
        let name = member.name
        let previous = state.withLock { state -> Loss? in
            defer { if state.lost[name] != .crash { state.lost[name] = loss } }
            return state.lost[name]
        }
        guard previous != .crash, previous != loss else { return }
        if let transport = member.transport {
            await transport.lose(loss)
            if loss == .crash { await member.node?.shutdown() }
        } else if let pid = member.processIdentifier {
            Self.signal(pid, loss == .crash ? SIGKILL : SIGSTOP)
        }
    }

    /// Waits until the coordinator no longer has a connection to node `name`, and returns why
    /// it ended: `connectionClosed` after a crash, `nodeLost` after a silence.
    ///
    /// From then on, calls from the coordinator to that node (through a deployed architecture's
    /// bindings too) fail at once with `RemoteError.nodeLost`.
    ///
    /// - Throws: ``TestClusterError`` `.timedOut` when the coordinator still reaches the node
    ///   after `timeout`, `.unknownNode`, or `.ended` once the closure has ended.
    @discardableResult
    public func waitUntilLost(_ name: String, timeout: Duration = .seconds(30)) async throws -> RemoteError {
        try checkNotEnded()
        let member = try node(name)
        let deadline = ContinuousClock.now + timeout
        var peer: Peer? = coordinator.peer(named: name) ?? member.peer
        var why: RemoteError?
        while let current = peer {
            let closed = Resumer<Void>()
            // Ends with the peer: at the latest when the cluster ends, if this wait gives up.
            Task { await current.closed(); closed.succeed(()) }
            let timer = Task {
                do { try await Task.sleep(until: deadline) } catch { return }
                closed.fail(TestClusterError(.timedOut, node: name, "the coordinator still reaches this node after \(timeout)"))
            }
            defer { timer.cancel() }
            try await withTaskCancellationHandler {
                try await closed.value()
            } onCancel: {
                closed.fail(CancellationError())
            }
            why = current.failure
            // A peer that reconnected meanwhile is waited for too.
            peer = coordinator.peer(named: name)
        }
        return why ?? RemoteError(.nodeLost, node: name, "the coordinator is not connected to this node")
    }

    static func signal(_ pid: Int32, _ number: Int32) {
        _ = kill(pid, number)
    }
}
