import Fractal
import FractalADL
import Foundation

/// The content of a node's `$node` component: ``NodeControl`` over the node's hosted components.
final class NodeService: NodeControl {
    private let node: Weak<Node>

    init(node: Weak<Node>) { self.node = node }

    private func current() throws -> Node {
        guard let node = node.object else { throw FractalError(.remoteFailure, "the node is shutting down") }
        return node
    }

    func info() async throws -> NodeInfo {
        let node = try current()
        return NodeInfo(name: node.name, cores: ProcessInfo.processInfo.activeProcessorCount,
                        memoryBytes: ProcessInfo.processInfo.physicalMemory, components: node.hostedPaths)
    }

    func instantiate(_ plan: ComponentPlan, path: String) async throws -> String {
        let node = try current()
        let component: Component
        do {
            component = try ADL.build(plan, registry: node.registry)
        } catch let error as ADLError {
            throw FractalError(.remoteFailure, component: path, "cannot instantiate on node '\(node.name)':\n\(error)")
        }
        // What is there is never replaced behind its owner's back: only the node that made it
        // may, and the old component is stopped and unbound first.
        let caller = CallContext.caller ?? node.name
        if let owner = node.owner(of: path) {
            guard owner == caller else {
                throw FractalError(.alreadyAdded, component: path,
                                   "node '\(node.name)' already hosts a component at \(path), made at the request of '\(owner)': only '\(owner)' may replace it; remove it first, or choose another path")
            }
            try await remove(path)
        }
        try node.host(component, at: path, owner: caller)
        return path
    }

    func start(_ path: String) async throws {
        try await current().hosted(path).lifeCycleController.start()
    }

    func stop(_ path: String) async throws {
        try await current().hosted(path).lifeCycleController.stop()
    }

    func bind(_ path: String, client: String, node target: String, export: String, signature: String, via: String) async throws {
        let node = try current()
        let component = try node.hosted(path)
        if target == node.name {
            // Both components are here: a local binding.
            let parts = export.split(separator: "#", maxSplits: 1).map(String.init)
            guard parts.count == 2 else {
                throw FractalError(.noSuchInterface, component: path, interface: client, "'\(export)' names no hosted interface")
            }
            try component.bindingController.bind(client, to: node.hosted(parts[0]).interface(named: parts[1]))
            return
        }
        guard node.peer(named: target) != nil || node.peer(named: via) != nil else {
            throw FractalError(.remoteFailure, component: path, interface: client,
                               "node '\(node.name)' is connected neither to '\(target)' nor to '\(via)'")
        }
        let reference = RemoteReference(channel: node.link(to: target, via: via), export: export, signature: signature,
                                        description: "\(target):\(export)")
        try component.bindingController.bind(client, to: reference)
    }

    func connect(_ address: String) async throws -> String {
        let node = try current()
        let address = try NodeAddress(parsing: address)
        if let known = node.connectedName(at: address) { return known }
        return try await node.connect(to: address, reconnecting: true).remoteName
    }

    func joinGathercast(_ path: String, interface: String, client: String) async throws -> String {
        try current().joinGathercast(path, interface: interface, client: client)
    }

    func leaveGathercast(_ path: String, export: String) async throws {
        try current().leaveGathercast(path, export: export)
    }

    func unbind(_ path: String, client: String) async throws {
        try current().hosted(path).bindingController.unbind(client)
    }

    func setAttribute(_ path: String, name: String, value: String) async throws {
        try current().hosted(path).attributeController.set(name, string: value)
    }

    func snapshot(_ path: String) async throws -> ComponentSnapshot {
        try current().hosted(path).snapshot()
    }

    func remove(_ path: String) async throws {
        let node = try current()
        if let component = node.forget(path) {
            try await component.lifeCycleController.stop()
            try component.unbindAll()
        }
    }
}
