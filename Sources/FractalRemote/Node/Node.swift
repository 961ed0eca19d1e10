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
    public let exports = ExportTable()

    private struct State {
        var peers: [String: Peer] = [:]
        var peerWaiters: [String: [CheckedContinuation<Peer, any Error>]] = [:]
        var listeners: [any Listener] = []
        var hosted: [String: Component] = [:]
    }

    private let state = Mutex(State())

    public init(name: String, registry: Registry = .shared, transports: TransportRegistry, options: PeerOptions = PeerOptions()) {
        self.name = name
        self.registry = registry
        self.transports = transports
        self.options = options
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
                _ = try await self.adopt(connection)
            } catch {
                RemoteLog.warning("node \(self.name) refused a connection from \(connection.remoteDescription): \(error)")
            }
        }
        state.withLock { $0.listeners.append(listener) }
        return listener.address
    }

    /// Opens a connection to the node at `address` and serves over it too.
    public func connect(to address: NodeAddress) async throws -> Peer {
        let connection = try await transports.transport(for: address).connect(to: address)
        return try await adopt(connection)
    }

    private func adopt(_ connection: any Connection) async throws -> Peer {
        let peer = try await Peer.start(on: connection, localName: name, options: options) { [weak self] request in
            guard let self else { return [] }
            return await self.serve(request)
        }
        let duplicate = state.withLock { $0.peers[peer.remoteName].map { $0.isConnected } ?? false }
        if duplicate || peer.remoteName == name {
            await peer.close(reason: "a node named '\(peer.remoteName)' is already connected here")
            throw RemoteError(.handshakeFailed, node: peer.remoteName, "a node named '\(peer.remoteName)' is already connected to '\(name)'")
        }
        let waiters = state.withLock { state -> [CheckedContinuation<Peer, any Error>] in
            state.peers[peer.remoteName] = peer
            defer { state.peerWaiters[peer.remoteName] = nil }
            return state.peerWaiters[peer.remoteName] ?? []
        }
        for waiter in waiters { waiter.resume(returning: peer) }
        return peer
    }

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

    /// Serves one encoded request: locally, or forwarded when addressed to another node.
    func serve(_ request: [UInt8]) async -> [UInt8] {
        if let destination = Self.destination(of: request), destination.node != name {
            guard let peer = peer(named: destination.node) else {
                return ExportTable.failureReply(FractalError(.remoteFailure, "node '\(name)' cannot reach node '\(destination.node)'"))
            }
            do {
                return try await peer.send(request)
            } catch {
                return ExportTable.failureReply(FractalError(.remoteFailure, "forwarding to node '\(destination.node)' failed: \(error)"))
            }
        }
        return await exports.handle(request, strippingPrefix: "@\(name)/")
    }

    /// `@node/export` targets name the node they are for.
    static func destination(of request: [UInt8]) -> (node: String, export: String)? {
        guard let target = ExportTable.target(of: request), target.hasPrefix("@"),
              let slash = target.firstIndex(of: "/") else { return nil }
        return (String(target[target.index(after: target.startIndex)..<slash]), String(target[target.index(after: slash)...]))
    }

    /// Stops every hosted component, closes every connection and listener.
    public func shutdown() async {
        let (peers, listeners, hosted) = state.withLock { state in
            defer {
                state.peers = [:]
                state.listeners = []
                state.hosted = [:]
            }
            return (Array(state.peers.values), state.listeners, Array(state.hosted.values))
        }
        for component in hosted { try? await component.lifeCycleController.stop() }
        for peer in peers { await peer.close(reason: "node \(name) shutting down") }
        for listener in listeners { await listener.close() }
    }

    // MARK: Hosting

    /// Hosts `component` under `path` and exports its server interfaces as `path#interface`.
    public func host(_ component: Component, at path: String) throws {
        state.withLock { $0.hosted[path] = component }
        for interface in component.interfaces where interface.type.role == .server {
            try exports.export(interface, as: "\(path)#\(interface.name)")
        }
    }

    func hosted(_ path: String) throws -> Component {
        guard let component = state.withLock({ $0.hosted[path] }) else {
            throw FractalError(.remoteFailure, component: path, "node '\(name)' hosts no component at \(path)")
        }
        return component
    }

    func forget(_ path: String) -> Component? {
        let component = state.withLock { $0.hosted.removeValue(forKey: path) }
        if let component {
            for interface in component.interfaces where interface.type.role == .server {
                exports.unexport("\(path)#\(interface.name)")
            }
        }
        return component
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
enum RemoteLog {
    static func warning(_ message: String) {
        FileHandle.standardError.write(Data("warning: \(message)\n".utf8))
    }
}
