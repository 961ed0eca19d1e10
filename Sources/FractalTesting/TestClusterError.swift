/// What a ``TestCluster`` refuses or gives up on, with the node concerned and what to do.
public struct TestClusterError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        /// The node names given to ``TestCluster/withNodes(_:mode:registry:options:coordinatorName:isolation:_:)``
        /// are empty, repeated, or the coordinator's.
        case badNodeNames
        /// No node of the cluster has this name.
        case unknownNode
        /// The node command of ``TestCluster/Mode/processes(nodeCommand:)`` is not an executable file.
        case nodeCommandMissing
        /// A placement names a virtual node the architecture does not use.
        case badPlacement
        /// The node a virtual node is placed on has been lost.
        case nodeLost
        /// An architecture of the same name is deployed on the cluster already.
        case alreadyDeployed
        /// The component was not deployed by this cluster (or was undeployed).
        case notDeployed
        /// The node runs in this process: what it prints is not told apart from the test's own output.
        case noOutput
        /// What a wait expected did not happen in time.
        case timedOut
        /// The cluster is being torn down: its closure has returned or thrown.
        case ended
    }

    public var kind: Kind
    /// The node concerned, when there is one.
    public var node: String?
    public var message: String

    public init(_ kind: Kind, node: String? = nil, _ message: String) {
        self.kind = kind
        self.node = node
        self.message = message
    }

    public var description: String { node.map { "node \($0): \(message)" } ?? message }
}
