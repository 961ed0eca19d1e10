import FractalXML
import FractalADL

/// Where each virtual node of an architecture runs: GCM's deployment descriptor.
///
/// ```xml
/// <deployment>
///   <virtual-node name="clients">
///     <node name="n1" address="tcp://127.0.0.1:7001"/>          <!-- a running `fractal node` -->
///   </virtual-node>
///   <virtual-node name="servers">
///     <local-process name="n2"/>                                 <!-- started and stopped by the launcher -->
///   </virtual-node>
///   <virtual-node name="far">
///     <ssh host="lab3" name="n3" command="fractal node --listen tcp://0.0.0.0:7001 --name n3"
///          address="tcp://lab3:7001"/>                           <!-- started over ssh -->
///   </virtual-node>
///   <virtual-node name="behindNAT" site="home">                  <!-- site: where the machine is -->
///     <joining-node name="n4"/>                                  <!-- dials in: fractal node --join … -->
///   </virtual-node>
/// </deployment>
/// ```
/// A virtual node's `site` tags its machine's place (a building, a member's home, a network):
/// what must not fail together, such as two copies of a record, is kept on distinct sites.
/// Deployed with a descriptor, every virtual node of the architecture must be mapped, and every
/// virtual node mapped must be in the architecture (``problems(deploying:)``); without one,
/// everything runs in the launcher's process.
public struct DeploymentDescriptor: Sendable, Hashable {
    public enum Target: Sendable, Hashable {
        /// A node already running at `address`.
        case node(name: String, address: String)
        /// A node process the launcher starts on this machine and stops at the end.
        case localProcess(name: String)
        /// A node started on `host` with `command` over ssh, then reached at `address`.
        case ssh(host: String, name: String, command: String, address: String)
        /// A node that dials in (`fractal node --join`): for nodes behind NAT or a firewall.
        case joining(name: String)

        public var nodeName: String {
            switch self {
            case .node(let name, _), .localProcess(let name), .ssh(_, let name, _, _), .joining(let name): name
            }
        }
    }

    /// Virtual node name → where it runs.
    public var virtualNodes: [String: Target]
    /// Where each virtual node is mapped, for descriptors read from a file.
    public var locations: [String: SourceLocation] = [:]
    /// Virtual node name → the site its `site` attribute names (absent when none).
    public var sites: [String: String] = [:]

    public init(virtualNodes: [String: Target], locations: [String: SourceLocation] = [:], sites: [String: String] = [:]) {
        self.virtualNodes = virtualNodes
        self.locations = locations
        self.sites = sites
    }

    /// What keeps `plan` from being deployed with this descriptor, located: a virtual node of
    /// the architecture it does not map, and one it maps that the architecture does not have.
    /// Virtual nodes are honoured at any depth: a component goes to its own virtual node's
    /// node, else to its composite's.
    public func problems(deploying plan: ComponentPlan) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        var used: [(name: String, location: SourceLocation?)] = []
        for component in plan.allPlans.dropFirst() {
            if let name = component.virtualNode { used.append((name, component.virtualNodeLocation)) }
        }
        let architecture = Set(used.map(\.name))
        var reported: Set<String> = []
        for (name, location) in used where virtualNodes[name] == nil && reported.insert(name).inserted {
            let mapped = virtualNodes.keys.sorted().joined(separator: ", ")
            diagnostics.append(Diagnostic(at: location, "virtual node '\(name)' is not mapped by the deployment descriptor\(mapped.isEmpty ? "" : " (it maps: \(mapped))"); add a <virtual-node name=\"\(name)\"> to it"))
        }
        for name in virtualNodes.keys.sorted() where !architecture.contains(name) {
            let names = architecture.sorted().joined(separator: ", ")
            diagnostics.append(Diagnostic(at: locations[name], "the deployment descriptor maps virtual node '\(name)', which '\(plan.definition ?? plan.name)' does not have\(names.isEmpty ? " (it has none)" : " (it has: \(names))")"))
        }
        return diagnostics
    }

    /// Reads a descriptor file.
    ///
    /// - Throws: ``ADLError`` with every problem, located.
    public static func read(_ path: String) throws -> DeploymentDescriptor {
        let (root, readDiagnostics) = XMLFile.read(path)
        var diagnostics = readDiagnostics
        var virtualNodes: [String: Target] = [:]
        var locations: [String: SourceLocation] = [:]
        var sites: [String: String] = [:]
        if let root {
            if root.name != "deployment" {
                diagnostics.append(Diagnostic(at: root.location, "a deployment descriptor's top element is <deployment>, not <\(root.name)>"))
            }
            for virtualNode in root.children {
                guard virtualNode.name == "virtual-node" else {
                    diagnostics.append(Diagnostic(at: virtualNode.location, "unknown element <\(virtualNode.name)>; expected <virtual-node>"))
                    continue
                }
                guard let name = virtualNode.value("name"), !name.isEmpty else {
                    diagnostics.append(Diagnostic(at: virtualNode.location, "<virtual-node> needs attribute 'name'"))
                    continue
                }
                locations[name] = virtualNode.location(of: "name")
                if let site = virtualNode.value("site"), !site.isEmpty { sites[name] = site }
                guard virtualNode.children.count == 1, let target = virtualNode.children.first else {
                    diagnostics.append(Diagnostic(at: virtualNode.location, "<virtual-node name=\"\(name)\"> needs exactly one <node>, <local-process>, <ssh> or <joining-node>"))
                    continue
                }
                func required(_ attribute: String) -> String? {
                    if let value = target.value(attribute), !value.isEmpty { return value }
                    diagnostics.append(Diagnostic(at: target.location, "<\(target.name)> needs attribute '\(attribute)'"))
                    return nil
                }
                switch target.name {
                case "node":
                    if let nodeName = required("name"), let address = required("address") {
                        virtualNodes[name] = .node(name: nodeName, address: address)
                    }
                case "joining-node":
                    if let nodeName = required("name") { virtualNodes[name] = .joining(name: nodeName) }
                case "local-process":
                    if let nodeName = required("name") { virtualNodes[name] = .localProcess(name: nodeName) }
                case "ssh":
                    if let host = required("host"), let nodeName = required("name"), let command = required("command"), let address = required("address") {
                        virtualNodes[name] = .ssh(host: host, name: nodeName, command: command, address: address)
                    }
                default:
                    diagnostics.append(Diagnostic(at: target.location, "unknown element <\(target.name)>; expected <node>, <local-process>, <ssh> or <joining-node>"))
                }
            }
        }
        if diagnostics.contains(where: { $0.severity == .error }) { throw ADLError(diagnostics) }
        return DeploymentDescriptor(virtualNodes: virtualNodes, locations: locations, sites: sites)
    }
}
