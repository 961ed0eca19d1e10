import FractalRemote
import Synchronization

/// A connection of a ``LosableTransport``: the wrapped one, until it is made silent.
final class LosableConnection: Connection {
    let base: any Connection
    private let silent = Atomic<Bool>(false)

    init(base: any Connection) {
        self.base = base
    }

    var remoteDescription: String { base.remoteDescription }
    var executor: (any TaskExecutor)? { base.executor }
    var authenticatedNames: [String]? { base.authenticatedNames }
    var authenticatedMember: String? { base.authenticatedMember }
    func pauseReading(_ paused: Bool) { base.pauseReading(paused) }

    func start(_ receiver: @escaping @Sendable (ConnectionEvent) -> Void) {
        base.start { [weak self] event in
            // Frames that reach a silent node are lost; a connection closed is still closed.
            if case .frame = event, self?.isSilent == true { return }
            receiver(event)
        }
    }

    func send(_ frame: Frame) {
        guard !isSilent else { return }
        base.send(frame)
    }

    /// Closes the connection, unless it is silent: a frozen node closes nothing (its peers
    /// still give up on the others when their loss timeout passes, which the others must not
    /// see). ``end()`` closes it then.
    func close() async {
        guard !isSilent else { return }
        await base.close()
    }

    /// Closes the connection without a goodbye, silent or not: the node is gone.
    func end() async {
        await base.close()
    }

    /// Drops every frame from now on, both ways, and every close by this node.
    func silence() {
        silent.store(true, ordering: .releasing)
    }

    private var isSilent: Bool { silent.load(ordering: .acquiring) }
}
