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
///   <virtual-node name="behindNAT">
///     <joining-node name="n4"/>                                  <!-- dials in: fractal node --join … -->
///   </virtual-node>
/// </deployment>
/// ```
/// A virtual node the descriptor does not name runs in the launcher's process.
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

    public init(virtualNodes: [String: Target]) {
        self.virtualNodes = virtualNodes
    }

    /// Reads a descriptor file.
    ///
    /// - Throws: ``ADLError`` with every problem, located.
    public static func read(_ path: String) throws -> DeploymentDescriptor {
        let (root, readDiagnostics) = XMLFile.read(path)
        var diagnostics = readDiagnostics
        var virtualNodes: [String: Target] = [:]
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
        return DeploymentDescriptor(virtualNodes: virtualNodes)
    }
}
