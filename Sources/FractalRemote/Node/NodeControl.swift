import Fractal
import FractalADL

/// What a node offers to whoever coordinates it: a remote factory, lifecycle, binding,
/// attributes and introspection of the components it hosts. Every node exports it as `$node`.
@Interface("fractal.NodeControl")
public protocol NodeControl: Sendable {
    /// The node's name and resources.
    func info() async throws -> NodeInfo
    /// Instantiates `plan` (a whole subtree, bound inside) and exports its server interfaces as
    /// `path#interface`; returns the path it is hosted under.
    func instantiate(_ plan: ComponentPlan, path: String) async throws -> String
    func start(_ path: String) async throws
    func stop(_ path: String) async throws
    /// Binds client interface `client` of the hosted component at `path` to the interface
    /// exported as `export` on node `node`, reached directly or through node `via`.
    func bind(_ path: String, client: String, node: String, export: String, signature: String, via: String) async throws
    /// Connects this node to the node listening at `address`, and keeps it connected; returns
    /// that node's name. Bindings to it then go there directly instead of through a router.
    func connect(_ address: String) async throws -> String
    /// Adds a client on another node (`client` names it, for the receiver) to gathercast
    /// interface `interface` of the component at `path`; returns the export that client binds
    /// to, so that rounds know its calls by that binding.
    func joinGathercast(_ path: String, interface: String, client: String) async throws -> String
    /// Removes the member behind `export` from its gathercast interface.
    func leaveGathercast(_ path: String, export: String) async throws
    func unbind(_ path: String, client: String) async throws
    func setAttribute(_ path: String, name: String, value: String) async throws
    func snapshot(_ path: String) async throws -> ComponentSnapshot
    /// Stops and forgets the component at `path`, and unbinds everything inside it (bindings
    /// in a cycle would keep it alive).
    func remove(_ path: String) async throws
}

/// A node's identity and capacity.
public struct NodeInfo: Codable, Sendable, Hashable {
    public var name: String
    public var cores: Int
    public var memoryBytes: UInt64
    /// Paths of the components it hosts.
    public var components: [String]
}
