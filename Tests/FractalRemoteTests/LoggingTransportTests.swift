import Fractal
import FractalNIO
import FractalRemote
import Foundation
import Synchronization
import Testing

// The transport of docs/distribution.md ("Your own transport"), as it is shown there: the
// lines from here to the end marker are the listing, and a test below checks they still are.
// BEGIN docs/distribution.md
/// Any transport, under a scheme of its own (`log+tcp://host:port` is `tcp://host:port`),
/// logging every frame that goes through, and the end of each connection.
public struct LoggingTransport: Transport {
    public let scheme: String
    let base: any Transport
    let log: @Sendable (String) -> Void

    /// `log` gets one line per event. It is called on the wrapped transport's threads, so it
    /// must not block.
    public init(wrapping base: any Transport, log: @escaping @Sendable (String) -> Void = { print($0) }) {
        self.base = base
        self.log = log
        scheme = "log+" + base.scheme
    }

    /// The same address, in the wrapped transport's scheme.
    func inner(_ address: NodeAddress) -> NodeAddress {
        var address = address
        address.scheme = base.scheme
        return address
    }

    public func listen(at address: NodeAddress, accept: @escaping @Sendable (any Connection) async -> Void) async throws -> any Listener {
        let log = log
        let listener = try await base.listen(at: inner(address)) { connection in
            await accept(LoggingConnection(base: connection, log: log))
        }
        return LoggingListener(base: listener, scheme: scheme)
    }

    public func connect(to address: NodeAddress) async throws -> any Connection {
        LoggingConnection(base: try await base.connect(to: inner(address)), log: log)
    }
}

struct LoggingListener: Listener {
    let base: any Listener
    let scheme: String

    /// The bound address (port 0 replaced), in the logging scheme.
    var address: NodeAddress {
        var address = base.address
        address.scheme = scheme
        return address
    }

    func close() async { await base.close() }
}

struct LoggingConnection: Connection {
    let base: any Connection
    let log: @Sendable (String) -> Void

    var remoteDescription: String { base.remoteDescription }
    /// The wrapped connection's, so that serving on its thread still works through the wrapper.
    var executor: (any TaskExecutor)? { base.executor }
    var authenticatedNames: [String]? { base.authenticatedNames }
    var authenticatedMember: String? { base.authenticatedMember }
    func pauseReading(_ paused: Bool) { base.pauseReading(paused) }

    func start(_ receiver: @escaping @Sendable (ConnectionEvent) -> Void) {
        let (log, peer) = (log, remoteDescription)
        base.start { event in
            switch event {
            case .frame(let frame): log("<- \(peer): \(describe(frame))")
            case .closed(let reason): log("-- \(peer): closed\(reason.map { ": \($0)" } ?? "")")
            }
            receiver(event)
        }
    }

    func send(_ frame: Frame) {
        log("-> \(remoteDescription): \(describe(frame))")
        base.send(frame)
    }

    func close() async { await base.close() }
}

private func describe(_ frame: Frame) -> String {
    "\(frame.kind) stream \(frame.stream), \(frame.payload.count) payload bytes"
}
// END docs/distribution.md

/// Lines logged from any thread.
private final class Lines: Sendable {
    private let lines = Mutex<[String]>([])

    func append(_ line: String) { lines.withLock { $0.append(line) } }

    var all: [String] { lines.withLock { $0 } }

    func first(_ prefix: String) -> Int? { all.firstIndex { $0.hasPrefix(prefix) } }
}

@Suite struct LoggingTransportTests {
    func echoComponent() async throws -> Component {
        let echo = try Component.primitive(
            "echo", type: ComponentType([InterfaceType(name: "e", signature: EchoProxy.self, role: .server)]),
            content: EchoImpl(), registry: RemoteWorld.registry)
        try await echo.lifeCycleController.start()
        return echo
    }

    @Test func everyFrameOfACallIsLoggedOnBothSides() async throws {
        let lines = Lines()
        let transports = TransportRegistry([LoggingTransport(wrapping: MemoryTransport(), log: lines.append)])
        let server = Node(name: "loggedServer", registry: RemoteWorld.registry, transports: transports, options: RemoteWorld.fastOptions)
        try server.host(try await echoComponent(), at: "/echo")
        let address = try await server.listen(at: NodeAddress(parsing: "log+mem://loggedServer"))
        #expect(address.description == "log+mem://loggedServer")

        let client = Node(name: "loggedClient", registry: RemoteWorld.registry, transports: transports, options: RemoteWorld.fastOptions)
        let peer = try await client.connect(to: address)
        let echo = try remoteProxy((any Echo).self, exportedAs: "/echo#e", over: peer, registry: RemoteWorld.registry)
        #expect(try await echo.echo(42) == 42)
        await client.shutdown()
        await server.shutdown()

        // The client's end of the connection names the server's address; the server's end names
        // the client as the in-memory transport does.
        let (toServer, toClient) = ("mem://loggedServer", "mem-client")
        // The opener said hello first; the accepting side answered once it had read it.
        #expect(lines.first("-> \(toServer): hello stream 0") != nil, "\(lines.all)")
        let helloIn = try #require(lines.first("<- \(toClient): hello stream 0"), "\(lines.all)")
        let helloOut = try #require(lines.first("-> \(toClient): hello stream 0"), "\(lines.all)")
        #expect(helloIn < helloOut)
        #expect(lines.first("<- \(toServer): hello stream 0") != nil, "\(lines.all)")
        // The request went from the client to the server, the response back.
        #expect(lines.first("-> \(toServer): request stream 1") != nil, "\(lines.all)")
        #expect(lines.first("<- \(toClient): request stream 1") != nil, "\(lines.all)")
        #expect(lines.first("-> \(toClient): response stream 1") != nil, "\(lines.all)")
        #expect(lines.first("<- \(toServer): response stream 1") != nil, "\(lines.all)")
    }

    @Test func aNodeListeningThroughTheLoggingTransportIsReachedWithPlainTCP() async throws {
        let lines = Lines()
        let transports = TransportRegistry([TCPTransport(authentication: .none), LoggingTransport(wrapping: TCPTransport(authentication: .none), log: lines.append)])
        let server = Node(name: "loggedTCPServer", registry: RemoteWorld.registry, transports: transports, options: RemoteWorld.fastOptions)
        try server.host(try await echoComponent(), at: "/echo")
        let address = try await server.listen(at: NodeAddress(parsing: "log+tcp://127.0.0.1:0"))
        #expect(address.scheme == "log+tcp")

        let client = Node(name: "plainTCPClient", registry: RemoteWorld.registry, transports: transports, options: RemoteWorld.fastOptions)
        let peer = try await client.connect(to: NodeAddress(parsing: "tcp://127.0.0.1:\(try #require(address.port))"))
        let echo = try remoteProxy((any Echo).self, exportedAs: "/echo#e", over: peer, registry: RemoteWorld.registry)
        #expect(try await echo.echo(7) == 7)
        // The wrapper passes on the event loop the TCP connection offers.
        #expect(server.peer(named: "plainTCPClient")?.executor != nil)
        await client.shutdown()
        await server.shutdown()

        // Only the accepting side logs here: it read the client's hello, then answered with its own.
        let kinds = lines.all.map { $0.split(separator: " ").dropFirst(2).first.map(String.init) ?? "" }
        #expect(Array(kinds.prefix(2)) == ["hello", "hello"], "\(lines.all)")
        #expect(lines.all.first?.hasPrefix("<- ") == true, "\(lines.all)")
        // The sizes of docs/wire-protocol.md: a version byte, target, signature and method as
        // strings (4 + 7, 4 + 11, 4 + 8), an argument count (4) and the argument 7 (4 + tag `i` +
        // 8 bytes); the reply's tag (1) and the result (4 + 9).
        #expect(lines.all.contains { $0.hasPrefix("<- ") && $0.hasSuffix("request stream 1, 56 payload bytes") }, "\(lines.all)")
        #expect(lines.all.contains { $0.hasPrefix("-> ") && $0.hasSuffix("response stream 1, 14 payload bytes") }, "\(lines.all)")
    }

    @Test func theDocumentationShowsThisTransport() throws {
        let source = try String(contentsOfFile: #filePath, encoding: .utf8)
        let begin = try #require(source.range(of: "// BEGIN docs/distribution.md\n"))
        let end = try #require(source.range(of: "// END docs/distribution.md", range: begin.upperBound..<source.endIndex))
        let listing = source[begin.upperBound..<end.lowerBound]
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/distribution.md")
        let page = try String(contentsOf: docs, encoding: .utf8)
        let shown = page.contains("```swift\nimport FractalRemote\n\n" + listing + "```\n")
        #expect(shown, "docs/distribution.md no longer shows the LoggingTransport of \(#fileID)")
    }
}

