import Fractal
import FractalRemote

/// One node of a ``TestCluster``, as the test sees it.
public struct TestNode: Sendable {
    public let name: String
    /// Where the coordinator reached it (`mem://n1`, `tcp://127.0.0.1:41393`).
    public let address: NodeAddress
    /// The node itself, for nodes in this process (``TestCluster/Mode/inMemory``,
    /// ``TestCluster/Mode/tcp``); nil for node processes.
    public let node: Node?
    /// The process id, for node processes.
    public let processIdentifier: Int32?
    /// The node's `$node` interface, from the coordinator, over whichever connection reaches
    /// it at each call.
    public let control: any NodeControl
    /// The coordinator's first connection to it.
    let peer: Peer
    /// How a node in this process is lost.
    let transport: LosableTransport?
    /// What a node process writes on its standard output.
    let printed: NodeOutput?

    /// Paths of the components the node hosts (`/DistributedHelloWorld/server`), as it says.
    public func hostedComponents() async throws -> [String] {
        try await control.info().components
    }

    /// The lines a node process has written on its standard output so far (its announcement
    /// first); empty for a node in this process.
    public var output: [String] { printed?.lines ?? [] }

    /// Waits for the first line containing `text` on a node process's standard output, and
    /// returns it: already written, or when it is.
    ///
    /// - Throws: ``TestClusterError`` `.timedOut` with the output so far when no such line
    ///   comes within `timeout`; `.noOutput` for a node in this process, whose output is this
    ///   process's.
    @discardableResult
    public func waitForOutput(containing text: String, timeout: Duration = .seconds(30)) async throws -> String {
        guard let printed else {
            throw TestClusterError(.noOutput, node: name,
                                   "runs in this process: what its components print is the test's own output; use a node process (.processes) to read it")
        }
        return try await printed.line(containing: text, timeout: timeout)
    }
}
