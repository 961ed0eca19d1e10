import Fractal
import FractalADL
import FractalRemote
import Synchronization
import Testing

@Interface("remote.Echo")
protocol Echo: Sendable {
    func echo(_ value: Int) async throws -> Int
    func slow(_ milliseconds: Int) async throws -> Int
    func say(_ message: String) async throws
    /// `count` characters.
    func text(_ count: Int) async throws -> String
}

/// Records what it was told; echoes; can be slow.
final class EchoImpl: Echo {
    static let said = Mutex<[String]>([])
    func echo(_ value: Int) async throws -> Int { value }
    func slow(_ milliseconds: Int) async throws -> Int {
        try await Task.sleep(for: .milliseconds(milliseconds))
        return milliseconds
    }
    func say(_ message: String) async throws { Self.said.withLock { $0.append(message) } }
    func text(_ count: Int) async throws -> String { String(repeating: "x", count: count) }
}

/// Calls the Echo it is bound to.
final class Relay: Runnable, Echo {
    let target = Client<any Echo>("target")
    func run() async throws { try await target().say("hello from the relay") }
    func echo(_ value: Int) async throws -> Int { try await target().echo(value) }
    func slow(_ milliseconds: Int) async throws -> Int { try await target().slow(milliseconds) }
    func say(_ message: String) async throws { try await target().say(message) }
    func text(_ count: Int) async throws -> String { try await target().text(count) }
}

enum RemoteWorld {
    static let registry: Registry = {
        let registry = Registry()
        registry.register(EchoProxy.self)
        registry.registerContent("remote.EchoImpl") { EchoImpl() }
        registry.registerContent("remote.Relay") { Relay() }
        registry.registerContent("remote.ThreadReporter") { ThreadReporter() }
        return registry
    }()

    static func echoPlan(_ name: String) -> ComponentPlan {
        plan(name, content: "remote.EchoImpl", interfaces: [InterfaceType(name: "e", signature: "remote.Echo", role: .server)])
    }

    static func relayPlan(_ name: String) -> ComponentPlan {
        plan(name, content: "remote.Relay", interfaces: [
            InterfaceType(name: "r", signature: "fractal.Runnable", role: .server),
            InterfaceType(name: "e", signature: "remote.Echo", role: .server),
            InterfaceType(name: "target", signature: "remote.Echo", role: .client),
        ])
    }

    static func plan(_ name: String, content: String, interfaces: [InterfaceType]) -> ComponentPlan {
        let here = SourceLocation(file: "test", line: 1, column: 1)
        return ComponentPlan(
            name: name, definition: nil, location: here,
            interfaces: interfaces.map { .init(type: $0, location: here, isControl: false) },
            contentClass: content, contentLocation: here, controller: nil, controllerLocation: nil,
            attributesSignature: nil, attributes: [], children: [], bindings: [],
            virtualNode: nil, virtualNodeCardinality: nil, virtualNodeLocation: nil, origin: [])
    }

    static var fastOptions: PeerOptions {
        var options = PeerOptions()
        options.heartbeatInterval = .milliseconds(100)
        options.lossTimeout = .seconds(2)
        options.callDeadline = .seconds(30)
        return options
    }
}

extension RemoteWorld {
    /// Puts a relay on the node behind `relayNode` and an echo on the node behind `echoNode`,
    /// binds the relay to the echo through `hub`, starts both, and returns the relay node's
    /// control and a proxy that enters the relay.
    /// The relay-to-echo scenario, checked: a call through the relay comes back from the echo,
    /// and the relay's snapshot shows its remote binding.
    static func expectRelayedEcho(hub: Node, relayNode: Peer, echoNode: Peer, sourceLocation: Testing.SourceLocation = #_sourceLocation) async throws {
        let (relay, entry) = try await relayToEcho(hub: hub, relayNode: relayNode, echoNode: echoNode)
        #expect(try await entry.echo(42) == 42, sourceLocation: sourceLocation)
        let snapshot = try await relay.snapshot("/app/relay")
        #expect(snapshot.interfaces.first { $0.name == "target" }?.boundTo == ["\(echoNode.remoteName):/app/echo#e"],
                sourceLocation: sourceLocation)
    }

    static func relayToEcho(hub: Node, relayNode: Peer, echoNode: Peer) async throws -> (relay: any NodeControl, entry: any Echo) {
        let relay = try hub.control(of: relayNode)
        let echo = try hub.control(of: echoNode)
        _ = try await relay.instantiate(relayPlan("relay"), path: "/app/relay")
        _ = try await echo.instantiate(echoPlan("echo"), path: "/app/echo")
        try await relay.bind("/app/relay", client: "target", node: echoNode.remoteName, export: "/app/echo#e",
                             signature: "remote.Echo", via: hub.name)
        try await echo.start("/app/echo")
        try await relay.start("/app/relay")
        let entry = try remoteProxy((any Echo).self, exportedAs: "/app/relay#e", over: relayNode, registry: registry)
        return (relay, entry)
    }
}
