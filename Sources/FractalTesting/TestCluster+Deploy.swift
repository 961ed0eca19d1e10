import Fractal
import FractalADL
import FractalRemote
import Foundation

extension TestCluster {
    /// Resolves `definition` (a definition name, with arguments if any, or the path of a
    /// `.fractal` file) and deploys it: see ``deploy(_:placement:start:)``.
    ///
    /// - Throws: `ADLError` with every problem, located; what the plan's deployment throws.
    @discardableResult
    public func deploy(
        _ definition: String, placement: [String: String]? = nil, searchPath: [String] = ["ADL"],
        context: [String: String] = [:], start: Bool = true
    ) async throws -> Component {
        try checkNotEnded()
        let plan = try ADL.resolve(definition, searchPath: searchPath, context: context, registry: registry)
        return try await deploy(plan, placement: placement, start: start)
    }

    /// Deploys the architecture written in `adl`, the text of a `.fractal` file: see
    /// ``deploy(_:placement:start:)``. It may extend or use definitions
    /// found on `searchPath`.
    ///
    /// The text is written to a file in a folder of its own (the loader reads files, and
    /// errors are located in it), removed when the cluster ends.
    @discardableResult
    public func deploy(
        adl: String, placement: [String: String]? = nil, searchPath: [String] = ["ADL"],
        context: [String: String] = [:], start: Bool = true
    ) async throws -> Component {
        try checkNotEnded()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fractal-testing-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        state.withLock { $0.folders.append(folder) }
        let file = folder.appendingPathComponent("architecture.fractal")
        try adl.write(to: file, atomically: true, encoding: .utf8)
        return try await deploy(file.path, placement: placement, searchPath: searchPath, context: context, start: start)
    }

    /// Deploys `plan` on the cluster through a `Deployer`, starts it unless `start` is false,
    /// and returns its top component, hosted by the coordinator: call its server interfaces.
    ///
    /// - Parameter placement: virtual node → node name (the coordinator's name keeps a
    ///   virtual node here). Sub-components of the top composite whose virtual node it does not
    ///   map run on the coordinator. When nil, each virtual node named like a node of the
    ///   cluster runs there.
    /// - Throws: ``TestClusterError`` for a placement on a node that is not the cluster's or
    ///   is lost, a virtual node the plan does not use, or a second architecture of the same
    ///   name; what the `Deployer` throws (`FractalError`, `ADLError`, `RemoteError`). Nothing
    ///   of this plan stays on any node then.
    @discardableResult
    public func deploy(_ plan: ComponentPlan, placement: [String: String]? = nil, start: Bool = true) async throws -> Component {
        try checkNotEnded()
        let peers = try peers(for: plan, placement: placement)
        let reserved = state.withLock { $0.names.insert(plan.name).inserted }
        guard reserved else {
            throw TestClusterError(.alreadyDeployed, "an architecture named '\(plan.name)' is deployed on this cluster already: undeploy it first")
        }
        let deployed: Deployer.Deployed
        do {
            deployed = try await Deployer(coordinator: coordinator).deploy(plan, nodes: peers)
        } catch {
            await removeLeftovers(of: plan.name, from: Set(peers.values.map(\.remoteName)))
            _ = state.withLock { $0.names.remove(plan.name) }
            throw error
        }
        if start {
            do {
                try await deployed.start()
            } catch {
                try? await deployed.stop()
                await deployed.remove()
                _ = state.withLock { $0.names.remove(plan.name) }
                throw error
            }
        }
        let ended = state.withLock { state in
            if !state.ended { state.deployments.append(deployed) }
            return state.ended
        }
        if ended {
            try? await deployed.stop()
            await deployed.remove()
            try checkNotEnded()
        }
        return deployed.top
    }

    /// Stops the architecture whose top component is `top` and removes it from every node.
    ///
    /// - Throws: ``TestClusterError`` `.notDeployed`; the error stopping it raised, once it
    ///   is removed all the same.
    public func undeploy(_ top: Component) async throws {
        let deployed = try take(top)
        defer { _ = state.withLock { $0.names.remove(deployed.top.name) } }
        do {
            try await deployed.stop()
        } catch {
            await deployed.remove()
            throw error
        }
        await deployed.remove()
    }

    /// The whole architecture whose top component is `top`, wherever its components run.
    public func snapshot(of top: Component) async throws -> ComponentSnapshot {
        try await deployment(of: top).snapshot()
    }

    /// Where the sub-components of the architecture whose top component is `top` run:
    /// sub-component name → node name (the coordinator's for those kept here).
    public func placement(of top: Component) throws -> [String: String] {
        try deployment(of: top).placement
    }

    // MARK: Details

    /// The peer for each virtual node placed on another node.
    private func peers(for plan: ComponentPlan, placement: [String: String]?) throws -> [String: Peer] {
        let used = Set(plan.allPlans.dropFirst().compactMap(\.virtualNode))
        let names = Set(nodes.map(\.name))
        let mapping: [String: String]
        if let placement {
            for (virtualNode, node) in placement.sorted(by: { $0.key < $1.key }) {
                guard used.contains(virtualNode) else {
                    let uses = used.isEmpty ? "none" : used.sorted().joined(separator: ", ")
                    throw TestClusterError(.badPlacement, "the placement names virtual node '\(virtualNode)', which the components of \(plan.name) do not use (they use: \(uses))")
                }
                guard names.contains(node) || node == coordinator.name else {
                    throw TestClusterError(.unknownNode, node: node,
                                           "is where virtual node '\(virtualNode)' is placed, but no node of this cluster; its nodes are \(nodes.map(\.name).joined(separator: ", ")) (and \(coordinator.name))")
                }
            }
            mapping = placement
        } else {
            mapping = Dictionary(uniqueKeysWithValues: used.filter(names.contains).map { ($0, $0) })
        }
        var peers: [String: Peer] = [:]
        for (virtualNode, node) in mapping where node != coordinator.name {
            guard state.withLock({ $0.lost[node] == nil }), let peer = coordinator.peer(named: node) else {
                throw TestClusterError(.nodeLost, node: node, "is lost: virtual node '\(virtualNode)' cannot be placed on it")
            }
            peers[virtualNode] = peer
        }
        return peers
    }

    /// Removes what a failed deployment of `name` left on `nodes`.
    private func removeLeftovers(of name: String, from nodes: Set<String>) async {
        for node in nodes.sorted() {
            guard let control = try? coordinator.control(of: node), let info = try? await control.info() else { continue }
            for path in info.components where path.hasPrefix("/\(name)/") {
                try? await control.remove(path)
            }
        }
    }

    private func deployment(of top: Component) throws -> Deployer.Deployed {
        guard let deployed = state.withLock({ $0.deployments.first { $0.top === top } }) else {
            throw TestClusterError(.notDeployed, "\(top.name) was not deployed by this cluster, or was undeployed")
        }
        return deployed
    }

    private func take(_ top: Component) throws -> Deployer.Deployed {
        let deployed = state.withLock { state -> Deployer.Deployed? in
            guard let index = state.deployments.firstIndex(where: { $0.top === top }) else { return nil }
            return state.deployments.remove(at: index)
        }
        guard let deployed else {
            throw TestClusterError(.notDeployed, "\(top.name) was not deployed by this cluster, or was undeployed")
        }
        return deployed
    }
}
