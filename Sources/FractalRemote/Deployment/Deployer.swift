import Fractal
import FractalADL

/// Places an architecture on nodes: the top composite's sub-components whose virtual node is
/// mapped to a node are instantiated there (whole subtrees), the others here; bindings that
/// cross nodes become remote bindings, routed through this node when the two nodes do not
/// see each other.
///
/// This node (the coordinator) hosts the top composite, so calls from outside enter here.
public struct Deployer: Sendable {
    public let coordinator: Node

    public init(coordinator: Node) {
        self.coordinator = coordinator
    }

    /// What a deployment made: the top component (here) and where each sub-component went.
    public struct Deployed: Sendable {
        public let top: Component
        /// Sub-component name → node name (the coordinator's for those kept here).
        public let placement: [String: String]
        let coordinator: Node
        let remote: [Placed]

        public func start() async throws {
            for (_, node, path) in remote {
                try await coordinator.control(of: node).start(path)
            }
            try await top.lifeCycleController.start()
        }

        public func stop() async throws {
            try await top.lifeCycleController.stop()
            for (_, node, path) in remote.reversed() {
                try? await coordinator.control(of: node).stop(path)
            }
        }

        /// The whole architecture, wherever its components run: the top composite's snapshot
        /// with the sub-components placed on other nodes fetched from them.
        public func snapshot() async throws -> ComponentSnapshot {
            var snapshot = top.snapshot()
            for (name, node, path) in remote {
                var child = try await coordinator.control(of: node).snapshot(path)
                child.path = "\(snapshot.path)/\(name)"
                child.parents = [snapshot.path]
                snapshot.subComponents.append(child)
            }
            return snapshot
        }

        /// Stops and forgets everything placed on other nodes.
        public func remove() async {
            for (_, node, path) in remote {
                try? await coordinator.control(of: node).remove(path)
            }
        }
    }

    /// A sub-component placed on another node, and its path there.
    typealias Placed = (name: String, node: String, path: String)

    /// Deploys `plan`, with `nodes` giving the peer for each virtual node name.
    ///
    /// - Throws: ``FractalError`` (naming the component and node) or ``ADLError``.
    public func deploy(_ plan: ComponentPlan, nodes: [String: Peer]) async throws -> Deployed {
        var local = plan
        var remotePlans: [(plan: ComponentPlan, peer: Peer)] = []
        local.children = plan.children.filter { child in
            guard case .plan(let childPlan) = child, let virtualNode = childPlan.virtualNode, let peer = nodes[virtualNode] else { return true }
            remotePlans.append((childPlan, peer))
            return false
        }
        let remoteNames = Set(remotePlans.map(\.plan.name))
        func isRemote(_ end: String) -> Bool { remoteNames.contains(String(end.prefix { $0 != "." })) }
        local.bindings = plan.bindings.filter { !isRemote($0.client) && !isRemote($0.server) }

        let top = try ADL.build(local, registry: coordinator.registry)
        try coordinator.host(top, at: "/" + plan.name)
        var placement: [String: String] = [:]
        var remote: [Placed] = []
        for (childPlan, peer) in remotePlans {
            let path = "/\(plan.name)/\(childPlan.name)"
            _ = try await coordinator.control(of: peer).instantiate(childPlan, path: path)
            placement[childPlan.name] = peer.remoteName
            remote.append((childPlan.name, peer.remoteName, path))
        }
        let localChildren = try top.contentController.subComponents
        for child in localChildren {
            placement[child.name] = coordinator.name
            try coordinator.host(child, at: "/\(plan.name)/\(child.name)")
        }

        for binding in plan.bindings where isRemote(binding.client) || isRemote(binding.server) {
            try await bind(binding, plan: plan, top: top, remote: remote)
        }
        return Deployed(top: top, placement: placement, coordinator: coordinator, remote: remote)
    }

    private func bind(_ binding: ComponentPlan.PlannedBinding, plan: ComponentPlan, top: Component, remote: [Placed]) async throws {
        let (clientName, clientInterface) = Self.split(binding.client)
        let (serverName, serverInterface) = Self.split(binding.server)
        let serverRemote = remote.first { $0.name == serverName }
        let clientRemote = remote.first { $0.name == clientName }
        let (signature, cardinality) = try declaration(serverName == "this" ? nil : serverName, serverInterface, in: plan)
        let gathers = cardinality == .gathercast

        if serverName == "this" {
            throw FractalError(.notLocalBinding, component: "/\(plan.name)/\(clientName)", interface: clientInterface,
                               "an import from a component placed on another node is not supported yet; keep '\(clientName)' with its composite")
        }
        if let clientRemote {
            let control = try coordinator.control(of: clientRemote.node)
            let (node, path) = serverRemote.map { ($0.node, $0.path) } ?? (coordinator.name, "/\(plan.name)/\(serverName)")
            var export = "\(path)#\(serverInterface)"
            if node != clientRemote.node {
                if serverRemote != nil { await connectDirectly(control, to: node) }
                if gathers {
                    let label = "\(clientRemote.node):\(clientRemote.path)#\(clientInterface)"
                    export = serverRemote == nil
                        ? try coordinator.joinGathercast(path, interface: serverInterface, client: label)
                        : try await coordinator.control(of: node).joinGathercast(path, interface: serverInterface, client: label)
                }
            }
            try await control.bind(clientRemote.path, client: clientInterface, node: node, export: export, signature: signature, via: coordinator.name)
            return
        }
        guard let serverRemote else { return }
        var export = "\(serverRemote.path)#\(serverInterface)"
        if gathers {
            let label = "\(coordinator.name):/\(plan.name)\(clientName == "this" ? "" : "/" + clientName)#\(clientInterface)"
            export = try await coordinator.control(of: serverRemote.node).joinGathercast(serverRemote.path, interface: serverInterface, client: label)
        }
        let reference = RemoteReference(
            channel: coordinator.link(to: serverRemote.node), export: export, signature: signature,
            description: "\(serverRemote.node):\(serverRemote.path)#\(serverInterface)")
        let client = clientName == "this" ? top : try top.contentController.subComponents.first { $0.name == clientName }
            .orThrow(FractalError(.noSuchInterface, component: "/\(plan.name)", "no sub-component named '\(clientName)'"))
        try client.bindingController.bind(clientInterface, to: reference)
    }

    /// Asks the node behind `control` to connect to node `server` where the coordinator reached
    /// it, so that calls between them do not go through the coordinator. A node that cannot
    /// (a firewall, a node that only dials out) keeps going through the coordinator.
    private func connectDirectly(_ control: any NodeControl, to server: String) async {
        guard let address = coordinator.address(of: server) else { return }
        do {
            let reached = try await control.connect(address.description)
            if reached != server {
                coordinator.options.logger.warning("\(address) answered as node '\(reached)', not '\(server)'; calls to '\(server)' go through \(coordinator.name)")
            }
        } catch {
            coordinator.options.logger.warning("no direct connection to node '\(server)' at \(address) (\(error)); calls to it go through \(coordinator.name)")
        }
    }

    /// The signature and cardinality of `interface` of sub-component `component` (of `plan`
    /// itself when nil), as the plan declares them.
    private func declaration(_ component: String?, _ interface: String, in plan: ComponentPlan) throws -> (String, Cardinality) {
        let owner: ComponentPlan
        if let component {
            guard let child = plan.children.lazy.compactMap({ child -> ComponentPlan? in
                if case .plan(let childPlan) = child, childPlan.name == component { return childPlan }
                return nil
            }).first else {
                throw FractalError(.noSuchInterface, component: "/\(plan.name)", "no sub-component named '\(component)'")
            }
            owner = child
        } else {
            owner = plan
        }
        guard let declared = owner.interfaces.first(where: { $0.type.name == interface }) else {
            throw FractalError(.noSuchInterface, component: "/\(plan.name)/\(owner.name)", interface: interface, "no interface '\(interface)'")
        }
        return (declared.type.signature, declared.type.cardinality)
    }

    private static func split(_ end: String) -> (String, String) {
        let parts = end.split(separator: ".", maxSplits: 1).map(String.init)
        return (parts.first ?? "", parts.count > 1 ? parts[1] : "")
    }
}

extension Optional {
    func orThrow(_ error: @autoclosure () -> any Error) throws -> Wrapped {
        guard let value = self else { throw error() }
        return value
    }
}
