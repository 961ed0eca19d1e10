import Fractal
import FractalADL

/// Places an architecture on nodes: a component whose virtual node is mapped to a node is
/// instantiated there, at any depth, with everything inside it that is not placed elsewhere in
/// turn; the rest stays here. Bindings whose two ends are not built together become remote
/// bindings (or local ones on the node that hosts both), routed through this node when the two
/// nodes do not see each other.
///
/// This node (the coordinator) hosts the top composite, so calls from outside enter here.
public struct Deployer: Sendable {
    public let coordinator: Node

    public init(coordinator: Node) {
        self.coordinator = coordinator
    }

    /// What a deployment made: the top component (here) and where each component went.
    public struct Deployed: Sendable {
        public let top: Component
        /// Where the components run, the coordinator's name for those kept here: the top's
        /// sub-components by name, components deeper down that run elsewhere than their
        /// composite by their path below the top (`front/cache`).
        public let placement: [String: String]
        let coordinator: Node
        /// In the order of the architecture, each composite before what it holds.
        let remote: [Placed]

        public func start() async throws {
            for placed in remote.reversed() {
                try await control(placed.node).start(placed.path)
            }
            try await top.lifeCycleController.start()
        }

        /// Stops the top composite, then every part on another node; a part that cannot be
        /// stopped is logged and the others are stopped still.
        public func stop() async throws {
            try await top.lifeCycleController.stop()
            for placed in remote {
                do {
                    try await control(placed.node).stop(placed.path)
                } catch {
                    coordinator.options.logger.warning("could not stop \(placed.path) on node '\(placed.node)': \(error)")
                }
            }
        }

        /// The whole architecture, wherever its components run: the top composite's snapshot
        /// with the components placed on other nodes fetched from them, each in its composite.
        public func snapshot() async throws -> ComponentSnapshot {
            var snapshot = top.snapshot()
            for placed in remote {
                var child = try await control(placed.node).snapshot(placed.path)
                let parent = String(placed.path[..<placed.path.lastIndex(of: "/")!])
                child.path = placed.path
                child.parents = [parent]
                _ = Self.insert(child, under: parent, in: &snapshot)
            }
            return snapshot
        }

        private static func insert(_ child: ComponentSnapshot, under parent: String, in snapshot: inout ComponentSnapshot) -> Bool {
            if snapshot.path == parent {
                snapshot.subComponents.append(child)
                return true
            }
            for index in snapshot.subComponents.indices where parent.hasPrefix(snapshot.subComponents[index].path + "/") || parent == snapshot.subComponents[index].path {
                if insert(child, under: parent, in: &snapshot.subComponents[index]) { return true }
            }
            return false
        }

        /// The `$node` of `node`, this node's own for what it hosts apart from the top.
        private func control(_ node: String) throws -> any NodeControl {
            node == coordinator.name ? NodeService(node: Weak(coordinator)) : try coordinator.control(of: node)
        }

        /// Stops and forgets everything placed apart from the top composite. Returns what could
        /// not be removed (each also logged), by node and path.
        @discardableResult
        public func remove() async -> [(node: String, path: String, error: any Error)] {
            var left: [(node: String, path: String, error: any Error)] = []
            for placed in remote.reversed() {
                do {
                    try await control(placed.node).remove(placed.path)
                } catch {
                    coordinator.options.logger.warning("could not remove \(placed.path) from node '\(placed.node)': \(error)")
                    left.append((placed.node, placed.path, error))
                }
            }
            return left
        }
    }

    /// A component placed on another node than its composite's, and its path (the same there).
    struct Placed: Sendable {
        var node: String
        var path: String
    }

    /// Where each component of an architecture runs, and what each node builds.
    private struct Layout {
        /// Architecture path → node name (the coordinator's for what stays here).
        var node: [String: String] = [:]
        /// Architecture path → the component's plan (for shared components, the plan of the
        /// component they name).
        var plans: [String: ComponentPlan] = [:]
        /// Architecture path → the path of the component that is built with it and holds it
        /// (itself for the top and for each component placed apart from its composite).
        var root: [String: String] = [:]
        /// Components placed apart from their composites, in the order of the architecture.
        var placed: [(plan: ComponentPlan, path: String, node: String)] = []
        /// Bindings whose ends are not built together, with the path of their composite.
        var crossing: [(binding: ComponentPlan.PlannedBinding, composite: String)] = []
    }

    /// Deploys `plan`, with `nodes` giving the peer for each virtual node name.
    ///
    /// - Throws: ``FractalError`` (naming the component and node) or ``ADLError``.
    public func deploy(_ plan: ComponentPlan, nodes: [String: Peer]) async throws -> Deployed {
        let topPath = "/" + plan.name
        var layout = Layout()
        let names = nodes.mapValues(\.remoteName)
        lay(plan, path: topPath, node: coordinator.name, root: topPath, names: names, into: &layout)
        let local = prune(plan, path: topPath, layout: &layout)

        let top = try ADL.build(local, registry: coordinator.registry)
        var remote: [Placed] = []
        do {
            try coordinator.host(top, at: topPath)
            for (placedPlan, path, node) in layout.placed {
                let pruned = prune(placedPlan, path: path, layout: &layout)
                if node == coordinator.name {
                    try coordinator.host(try ADL.build(pruned, registry: coordinator.registry), at: path)
                } else {
                    _ = try await coordinator.control(of: node).instantiate(pruned, path: path)
                }
                remote.append(Placed(node: node, path: path))
            }
            var placement: [String: String] = [:]
            for child in try top.contentController.subComponents {
                placement[child.name] = coordinator.name
                try coordinator.host(child, at: "\(topPath)/\(child.name)")
            }
            for placed in layout.placed {
                placement[String(placed.path.dropFirst(topPath.count + 1))] = placed.node
            }
            for (binding, composite) in layout.crossing {
                try await bind(binding, in: composite, layout: layout)
            }
            return Deployed(top: top, placement: placement, coordinator: coordinator, remote: remote)
        } catch {
            await rollBack(remote, top: topPath, after: error)
            throw error
        }
    }

    /// Removes what a deployment that failed had made: its parts on other nodes (newest first),
    /// and what the coordinator hosts under `top`. What cannot be removed is logged as an error,
    /// naming the node and the path left behind.
    private func rollBack(_ placed: [Placed], top: String, after failure: any Error) async {
        for part in placed.reversed() where part.node != coordinator.name {
            do {
                try await coordinator.control(of: part.node).remove(part.path)
            } catch {
                coordinator.options.logger.error("the deployment of \(top) failed (\(failure)); removing \(part.path) from node '\(part.node)' failed too, and it is left there: \(error)")
            }
        }
        for path in coordinator.hostedPaths(under: top) { _ = coordinator.forget(path) }
    }

    /// Notes where `plan` (at `path`, on `node`, built with `root`) and everything inside it run.
    private func lay(_ plan: ComponentPlan, path: String, node: String, root: String, names: [String: String], into layout: inout Layout) {
        layout.node[path] = node
        layout.plans[path] = plan
        layout.root[path] = root
        for case .plan(let child) in plan.children {
            let childPath = path + "/" + child.name
            let childNode = child.virtualNode.flatMap { names[$0] } ?? node
            if childNode != node {
                layout.placed.append((child, childPath, childNode))
                lay(child, path: childPath, node: childNode, root: childPath, names: names, into: &layout)
            } else {
                lay(child, path: childPath, node: node, root: root, names: names, into: &layout)
            }
        }
    }

    /// `plan` without what is built apart from it: sub-components placed on other nodes,
    /// shared components built elsewhere, and the bindings that reach them (noted as crossing).
    private func prune(_ plan: ComponentPlan, path: String, layout: inout Layout) -> ComponentPlan {
        var pruned = plan
        let root = layout.root[path]
        var apart: Set<String> = []
        pruned.children = plan.children.compactMap { child in
            switch child {
            case .plan(let childPlan):
                let childPath = path + "/" + childPlan.name
                if layout.root[childPath] != root {
                    apart.insert(childPlan.name)
                    return nil
                }
                return .plan(prune(childPlan, path: childPath, layout: &layout))
            case .shared(let name, let sharedPath, _):
                let target = Self.resolve(sharedPath, top: Self.top(of: path))
                if layout.root[target] != root {
                    apart.insert(name)
                    return nil
                }
                return child
            }
        }
        func isApart(_ end: String) -> Bool { apart.contains(String(end.prefix { $0 != "." })) }
        pruned.bindings = plan.bindings.filter { binding in
            guard isApart(binding.client) || isApart(binding.server) else { return true }
            layout.crossing.append((binding, path))
            return false
        }
        return pruned
    }

    /// The architecture path of one end of a binding of the composite at `composite`.
    private func path(of name: String, in composite: String, layout: Layout) -> String {
        if name == "this" { return composite }
        let childPath = composite + "/" + name
        if layout.node[childPath] != nil { return childPath }
        // A shared component: the path it names.
        if let plan = layout.plans[composite], let shared = plan.children.first(where: { $0.name == name }),
           case .shared(_, let sharedPath, _) = shared {
            return Self.resolve(sharedPath, top: Self.top(of: composite))
        }
        return childPath
    }

    private func bind(_ binding: ComponentPlan.PlannedBinding, in composite: String, layout: Layout) async throws {
        let (clientName, clientInterface) = Self.split(binding.client)
        let (serverName, serverInterface) = Self.split(binding.server)
        let clientPath = path(of: clientName, in: composite, layout: layout)
        let serverPath = path(of: serverName, in: composite, layout: layout)
        if serverName == "this" {
            throw FractalError(.notLocalBinding, component: clientPath, interface: clientInterface,
                               "an import from a component placed on another node is not supported yet; keep '\(clientName)' with its composite")
        }
        guard let clientNode = layout.node[clientPath], let serverNode = layout.node[serverPath],
              let serverPlan = layout.plans[serverPath] else {
            throw FractalError(.noSuchInterface, component: composite, "no sub-component named '\(layout.node[clientPath] == nil ? clientName : serverName)'")
        }
        guard let declared = serverPlan.interfaces.first(where: { $0.type.name == serverInterface }) else {
            throw FractalError(.noSuchInterface, component: serverPath, interface: serverInterface, "no interface '\(serverInterface)'")
        }
        let signature = declared.type.signature
        var export = "\(serverPath)#\(serverInterface)"
        if clientNode != serverNode, declared.type.cardinality == .gathercast {
            let label = "\(clientNode):\(clientPath)#\(clientInterface)"
            export = serverNode == coordinator.name
                ? try coordinator.joinGathercast(serverPath, interface: serverInterface, client: label)
                : try await coordinator.control(of: serverNode).joinGathercast(serverPath, interface: serverInterface, client: label)
        }
        if clientNode != coordinator.name {
            let control = try coordinator.control(of: clientNode)
            if serverNode != clientNode, serverNode != coordinator.name { await connectDirectly(control, to: serverNode) }
            try await control.bind(clientPath, client: clientInterface, node: serverNode, export: export, signature: signature, via: coordinator.name)
            return
        }
        let client = try coordinator.hosted(clientPath)
        if serverNode == coordinator.name {
            try client.bindingController.bind(clientInterface, to: coordinator.hosted(serverPath).interface(named: serverInterface))
            return
        }
        let reference = RemoteReference(
            channel: coordinator.link(to: serverNode), export: export, signature: signature,
            description: "\(serverNode):\(serverPath)#\(serverInterface)")
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

    /// `/Top` of `/Top/a/b`.
    private static func top(of path: String) -> String {
        "/" + (path.dropFirst().split(separator: "/").first.map(String.init) ?? "")
    }

    /// The architecture path a shared component's `./a/b` (or `/a/b`, or `a/b`) names.
    private static func resolve(_ shared: String, top: String) -> String {
        let relative = shared.hasPrefix("./") ? String(shared.dropFirst(2)) : shared.hasPrefix("/") ? String(shared.dropFirst()) : shared
        return top + "/" + relative
    }

    private static func split(_ end: String) -> (String, String) {
        let parts = end.split(separator: ".", maxSplits: 1).map(String.init)
        return (parts.first ?? "", parts.count > 1 ? parts[1] : "")
    }
}
