import Fractal
import FractalADL
import Foundation
import Synchronization

/// A process that hosts components for remote factories and serves calls to them.
///
/// A node listens for connections (``listen(at:)``), or dials out to its coordinator
/// (``connect(to:)``) and serves over that connection, so a node behind NAT needs no open port.
/// Either way, the other side can call the node's `$node` interface (``NodeControl``) and the
/// server interfaces of the components it hosts. Calls addressed to `@other/export` are
/// forwarded to the node named `other`, which lets a coordinator route between nodes that
/// cannot reach each other.
public final class Node: Sendable {
    public let name: String
    public let registry: Registry
    public let transports: TransportRegistry
    public let options: PeerOptions
    /// What this node serves: `$node` and the server interfaces of hosted components.
    public let exports: ExportTable

    private struct State {
        var peers: [String: Peer] = [:]
        var peerWaiters: [String: [CheckedContinuation<Peer, any Error>]] = [:]
        var listeners: [any Listener] = []
        var hosted: [String: Component] = [:]
        /// Hosted path → the node whose request made what is there.
        var owners: [String: String] = [:]
        /// Where connected nodes were reached: what another node needs to connect to them directly.
        var addresses: [String: NodeAddress] = [:]
        /// Tasks that reconnect lost connections.
        var keepers: [Task<Void, Never>] = []
        var isShutDown = false
    }

    private let state = Mutex(State())
    /// What targets addressed to this node start with.
    private let routePrefix: String

    public init(name: String, registry: Registry = .shared, transports: TransportRegistry, options: PeerOptions = PeerOptions()) {
        self.name = name
        self.registry = registry
        self.transports = transports
        self.options = options
        routePrefix = "@\(name)/"
        exports = ExportTable(node: name)
        registry.register(NodeControlProxy.self)
        let control = try! Component.primitive(
            "$node", type: ComponentType([InterfaceType(name: "control", signature: NodeControlProxy.self, role: .server)]),
            content: NodeService(node: Weak(self)), registry: registry)
        try! exports.export(control.interface(named: "control"), as: "$node")
        Task { try await control.lifeCycleController.start() }
    }

    // MARK: Connections

    /// Listens at `address`; returns the address bound (with the port chosen for port 0).
    @discardableResult
    public func listen(at address: NodeAddress) async throws -> NodeAddress {
        let listener = try await transports.transport(for: address).listen(at: address) { [weak self] connection in
            guard let self else { return }
            do {
                _ = try await self.adopt(connection, accepting: true)
            } catch {
                self.options.logger.warning("node \(self.name) refused a connection from \(connection.remoteDescription): \(error)")
            }
        }
        state.withLock { $0.listeners.append(listener) }
        return listener.address
    }

    /// Opens a connection to the node at `address` and serves over it too.
    public func connect(to address: NodeAddress) async throws -> Peer {
        let connection = try await transports.transport(for: address).connect(to: address)
        let peer = try await adopt(connection, accepting: false)
        state.withLock { $0.addresses[peer.remoteName] = address }
        return peer
    }

    /// Opens a connection to the node at `address`; when `reconnecting`, connects again
    /// whenever it is lost, until this node shuts down.
    ///
    /// - Throws: when the first connection fails.
    public func connect(to address: NodeAddress, reconnecting: Bool) async throws -> Peer {
        let peer = try await connect(to: address)
        if reconnecting { keep(address, connected: peer, report: nil) }
        return peer
    }

    /// What happens to a connection that ``keepConnected(to:report:)`` keeps.
    public enum LinkEvent: Sendable {
        case connected(Peer)
        case lost(Peer)
        case failed(any Error)
    }

    /// Connects to the node at `address`, retrying with backoff (0.2 s doubling to 5 s), and
    /// again whenever the connection is lost, until this node shuts down.
    public func keepConnected(to address: NodeAddress, report: (@Sendable (LinkEvent) -> Void)? = nil) {
        keep(address, connected: nil, report: report)
    }

    private func keep(_ address: NodeAddress, connected first: Peer?, report: (@Sendable (LinkEvent) -> Void)?) {
        let keeper = Task { [weak self] in
            var current = first
            var delay: Duration = .milliseconds(200)
            while !Task.isCancelled {
                if let peer = current {
                    await peer.closed()
                    report?(.lost(peer))
                    current = nil
                    continue
                }
                guard let node = self, !node.state.withLock({ $0.isShutDown }) else { return }
                do {
                    let peer = try await node.connect(to: address)
                    report?(.connected(peer))
                    current = peer
                    delay = .milliseconds(200)
                } catch {
                    report?(.failed(error))
                    try? await Task.sleep(for: delay)
                    delay = min(delay * 2, .seconds(5))
                }
            }
        }
        let late = state.withLock { state in
            if !state.isShutDown { state.keepers.append(keeper) }
            return state.isShutDown
        }
        if late { keeper.cancel() }
    }

    /// The address this node reached node `name` at, if it connected to it.
    public func address(of name: String) -> NodeAddress? {
        state.withLock { $0.addresses[name] }
    }

    /// The name of the connected node this node reached at `address`, if any.
    func connectedName(at address: NodeAddress) -> String? {
        state.withLock { state in
            state.addresses.first { $0.value == address && state.peers[$0.key]?.isConnected == true }?.key
        }
    }

    /// A channel to node `name` over whichever connection reaches it at each call: direct, or
    /// forwarded by node `router`.
    public func link(to name: String, via router: String? = nil) -> NodeLink {
        NodeLink(node: self, target: name, router: router)
    }

    private func adopt(_ connection: any Connection, accepting: Bool) async throws -> Peer {
        let peer = try await Peer.start(
            on: connection, localName: name, options: options, accepting: accepting,
            admit: { [weak self] peer in
                guard let self else { return "the node is gone" }
                return self.admit(peer)
            }
        ) { [weak self] request in
            guard let self else { return [] }
            return await self.serve(request)
        }
        let waiters = state.withLock { state in
            defer { state.peerWaiters[peer.remoteName] = nil }
            return state.peerWaiters[peer.remoteName] ?? []
        }
        for waiter in waiters { waiter.resume(returning: peer) }
        return peer
    }

    /// Records `peer` under its name, unless that is this node's name or a connected node's,
    /// or the node has as many peers as it takes; forgets it once it is gone.
    private func admit(_ peer: Peer) -> String? {
        let other = peer.remoteName
        let refusal = state.withLock { state -> String? in
            if state.isShutDown { return "node '\(name)' is shutting down" }
            if other == name { return "this node is named '\(name)' too" }
            if let existing = state.peers[other], existing !== peer, existing.isConnected {
                return "a node named '\(other)' is already connected to '\(name)'"
            }
            let connected = state.peers.values.filter { $0 !== peer && $0.isConnected }.count
            if connected >= options.maximumPeers {
                return "node '\(name)' has its maximum of \(options.maximumPeers) peers connected"
            }
            state.peers[other] = peer
            return nil
        }
        if refusal == nil {
            Task { [weak self] in
                await peer.closed()
                self?.state.withLock { state in
                    if state.peers[other] === peer { state.peers[other] = nil }
                }
            }
        }
        return refusal
    }

    /// Entries of the peer table, connected or not yet forgotten.
    var knownPeerCount: Int { state.withLock { $0.peers.count } }

    /// The connected node named `name`, if any.
    public func peer(named name: String) -> Peer? {
        state.withLock { $0.peers[name] }.flatMap { $0.isConnected ? $0 : nil }
    }

    /// Names of the connected nodes.
    public var peerNames: [String] { state.withLock { $0.peers.filter { $0.value.isConnected }.keys.sorted() } }

    /// Waits until the node named `name` has connected (a node that joins), up to `timeout`.
    public func waitForPeer(named name: String, timeout: Duration) async throws -> Peer {
        if let peer = peer(named: name) { return peer }
        let timer = Task { [weak self] in
            do { try await Task.sleep(for: timeout) } catch { return }
            let waiters: [CheckedContinuation<Peer, any Error>] = self?.state.withLock { state in
                defer { state.peerWaiters[name] = nil }
                return state.peerWaiters[name] ?? []
            } ?? []
            for waiter in waiters { waiter.resume(throwing: RemoteError(.unknownNode, node: name, "did not join within \(timeout)")) }
        }
        defer { timer.cancel() }
        return try await withCheckedThrowingContinuation { continuation in
            let ready = state.withLock { state -> Peer? in
                if let peer = state.peers[name], peer.isConnected { return peer }
                state.peerWaiters[name, default: []].append(continuation)
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    /// The `$node` interface of a connected node.
    public func control(of peer: Peer) throws -> any NodeControl {
        try remoteProxy((any NodeControl).self, exportedAs: "$node", over: peer, registry: registry)
    }

    /// The `$node` interface of node `name`, over whichever connection reaches it at each call.
    public func control(of name: String) throws -> any NodeControl {
        try remoteProxy((any NodeControl).self, exportedAs: "$node", over: link(to: name), registry: registry)
    }

    /// Serves one encoded request: locally, or forwarded when addressed to another node.
    func serve(_ request: [UInt8]) async -> [UInt8] {
        if let destination = Self.destination(of: request), destination.node != name {
            guard let peer = peer(named: destination.node) else {
                return ExportTable.failureReply(FractalError(.remoteFailure, "node '\(name)' cannot reach node '\(destination.node)'"), node: name)
            }
            do {
                return try await peer.send(request)
            } catch {
                return ExportTable.failureReply(FractalError(.remoteFailure, "forwarding to node '\(destination.node)' failed: \(error)"), node: name)
            }
        }
        return await exports.handle(request, strippingPrefix: routePrefix)
    }

    /// `@node/export` targets name the node they are for.
    static func destination(of request: [UInt8]) -> (node: String, export: String)? {
        // The target starts after the version byte and its length: most are not routed.
        guard request.count > 5, request[5] == UInt8(ascii: "@") else { return nil }
        guard let target = ExportTable.target(of: request), target.hasPrefix("@"),
              let slash = target.firstIndex(of: "/") else { return nil }
        return (String(target[target.index(after: target.startIndex)..<slash]), String(target[target.index(after: slash)...]))
    }

    /// Stops every hosted component, closes every connection and listener.
    public func shutdown() async {
        let (peers, listeners, hosted, keepers) = state.withLock { state in
            state.isShutDown = true
            defer {
                state.peers = [:]
                state.listeners = []
                state.hosted = [:]
                state.keepers = []
            }
            return (Array(state.peers.values), state.listeners, Array(state.hosted.values), state.keepers)
        }
        for keeper in keepers { keeper.cancel() }
        for component in hosted {
            do {
                try await component.lifeCycleController.stop()
                try component.unbindAll()
            } catch {
                options.logger.warning("node \(name) shutting down: \(component.path) did not stop cleanly: \(error)")
            }
        }
        for peer in peers { await peer.close(reason: "node \(name) shutting down") }
        for listener in listeners { await listener.close() }
    }

    // MARK: Hosting

    /// Hosts `component` under `path` and exports its server interfaces (its membrane's
    /// external ones too) as `path#interface`, and those of the components inside it as
    /// `path/sub/component#interface`.
    public func host(_ component: Component, at path: String) throws {
        try host(component, at: path, owner: name)
    }

    /// Hosts `component` for `owner`, the node whose request made it.
    func host(_ component: Component, at path: String, owner: String) throws {
        state.withLock { state in
            state.hosted[path] = component
            state.owners[path] = owner
        }
        var pending = [(component, path)]
        while let (current, currentPath) = pending.popLast() {
            let membraneServers = ((try? current.membraneController)?.interfaces ?? []).filter { $0.type.role == .server }
            for interface in current.interfaces + membraneServers where interface.type.role == .server {
                try exports.export(interface, as: "\(currentPath)#\(interface.name)")
            }
            if current.isComposite {
                for child in (try? current.contentController.subComponents) ?? [] { pending.append((child, currentPath + "/" + child.name)) }
            }
        }
    }

    /// The component hosted at `path`, or inside one hosted at a prefix of it.
    func hosted(_ path: String) throws -> Component {
        let hosted = state.withLock { $0.hosted }
        if let component = hosted[path] { return component }
        if let (root, component) = hosted.filter({ path.hasPrefix($0.key + "/") }).max(by: { $0.key.count < $1.key.count }) {
            var current: Component? = component
            for name in path.dropFirst(root.count + 1).split(separator: "/") {
                current = current.flatMap { try? $0.contentController.subComponents.first { $0.name == name } }
            }
            if let current { return current }
        }
        throw FractalError(.remoteFailure, component: path, "node '\(name)' hosts no component at \(path)")
    }

    /// The paths hosted at `path` or below it.
    func hostedPaths(under path: String) -> [String] {
        state.withLock { state in state.hosted.keys.filter { $0 == path || $0.hasPrefix(path + "/") }.sorted() }
    }

    /// The node whose request made what is hosted at `path`, if anything is.
    func owner(of path: String) -> String? {
        state.withLock { $0.hosted[path] == nil ? nil : $0.owners[path] }
    }

    func forget(_ path: String) -> Component? {
        let component = state.withLock { state in
            state.owners[path] = nil
            return state.hosted.removeValue(forKey: path)
        }
        if component != nil {
            exports.unexport(startingWith: "\(path)#")
            let inside = state.withLock { state in state.hosted.keys.filter { $0.hasPrefix(path + "/") } }
            // What is inside goes with it, unless it is hosted on its own.
            for name in exports.names(startingWith: path + "/") where !inside.contains(where: { name.hasPrefix($0 + "#") || name.hasPrefix($0 + "/") }) {
                exports.unexport(name)
            }
        }
        return component
    }

    /// Makes a member of gathercast interface `interface` of the component hosted at `path`
    /// for a client on another node (`label` says which, to the receiver), and exports the
    /// interface for that member alone; returns the export's name, which the client binds to.
    /// Rounds of the interface then wait for that client's calls as for a local client's.
    func joinGathercast(_ path: String, interface: String, client label: String) throws -> String {
        let found = try hosted(path).interface(named: interface)
        guard let server = found as? ServerInterface, server.type.cardinality == .gathercast else {
            throw FractalError(.invalidType, component: path, interface: interface, "'\(interface)' is not a gathercast server interface")
        }
        let member = try server.joinGathercast(label: label)
        let export = "\(path)#\(interface)~\(member.id)"
        try exports.export(server, as: export, member: member)
        return export
    }

    /// Undoes ``joinGathercast(_:interface:client:)`` for the member behind `export`.
    func leaveGathercast(_ path: String, export: String) throws {
        let parts = export.split(separator: "#", maxSplits: 1)
        guard parts.count == 2, let name = parts[1].split(separator: "~").first else { return }
        for member in exports.unexport(startingWith: export) {
            (try? hosted(path).interface(named: String(name)) as? ServerInterface)?.leaveGathercast(member.id)
        }
    }

    var hostedPaths: [String] { state.withLock { $0.hosted.keys.sorted() } }
}

/// A weak reference that can be captured in Sendable code.
final class Weak<T: AnyObject & Sendable>: Sendable {
    private let box: Mutex<WeakBox>
    private struct WeakBox { weak var object: T? }

    init(_ object: T) { box = Mutex(WeakBox(object: object)) }

    var object: T? { box.withLock { $0.object } }
}

/// Where the distribution layer reports what it refuses: standard error.

