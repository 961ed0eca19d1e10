import ClifCore
import NIOCore
import NIOPosix
import Testing

// The plug-in of docs/load-testing.md ("Writing your own plug-in"), as it is shown there.
// BEGIN docs/load-testing.md
/// `LineEcho`: each session keeps a TCP connection to a line-echo server; `send` measures one
/// round trip and fails when the echo differs.
public struct LineEchoPlugin: ScenarioPlugin {
    public let descriptor = PluginDescriptor(
        name: "LineEcho", summary: "round trips of a line to a TCP echo server",
        parameters: [ParameterSpec("host", "the server (127.0.0.1)"), ParameterSpec("port", "its port", required: true)],
        samples: [OperationSpec("send", "sends a line and waits for its echo", [ParameterSpec("text", "the line", required: true)])])

    public init() {}

    /// Checked once, before the load: a bad port is a located error, not 10,000 failed calls.
    public func prepare(_ operation: PreparingOperation) throws -> (any Sendable)? {
        guard let port = operation.useParameters.constant("port").flatMap({ Int($0) }), (1...65535).contains(port) else {
            throw ScenarioError("LineEcho: 'port' must be a number from 1 to 65535")
        }
        return nil
    }

    public func makeInstance(_ context: InstanceContext) throws -> any PluginInstance {
        Instance(host: context.parameters.constant("host") ?? "127.0.0.1", port: Int(context.parameters.constant("port") ?? "") ?? 0)
    }

    /// One session's connection, opened at its first sample.
    final class Instance: PluginInstance {
        let host: String
        let port: Int
        var channel: (any Channel)?

        init(host: String, port: Int) {
            self.host = host
            self.port = port
        }

        func sample(_ call: OperationCall, _ session: SessionContext) async -> SampleResult {
            let text = session.string("text", of: call) ?? ""
            let sent = session.now()
            do {
                let channel = try await connection()
                let reply = channel.eventLoop.makePromise(of: String.self)
                try await channel.writeAndFlush(Line(text: text, reply: reply))
                let echo = try await reply.futureResult.get()
                return SampleResult(type: "echo", success: echo == text, comment: text, result: echo,
                                    failure: echo == text ? nil : "wrong echo", sent: sent, completed: session.now())
            } catch {
                channel = nil
                return .failed("echo", "\(error)", comment: text, sent: sent, completed: session.now())
            }
        }

        private func connection() async throws -> any Channel {
            if let channel, channel.isActive { return channel }
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(LineHandler()) }
                }
                .connect(host: host, port: port).get()
            self.channel = channel
            return channel
        }

        func close() async {
            try? await channel?.close()
        }
    }
}

/// A line to send, and where its echo goes.
struct Line: Sendable {
    var text: String
    var reply: EventLoopPromise<String>
}

/// Writes a line; completes its promise with the next line read.
final class LineHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = Line
    typealias OutboundOut = ByteBuffer

    private var received = ByteBuffer()
    private var pending: EventLoopPromise<String>?

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let line = unwrapOutboundIn(data)
        pending = line.reply
        context.write(wrapOutboundOut(ByteBuffer(string: line.text + "\n")), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var part = unwrapInboundIn(data)
        received.writeBuffer(&part)
        guard let newline = received.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else { return }
        let text = received.readString(length: newline - received.readerIndex) ?? ""
        received.moveReaderIndex(forwardBy: 1)
        pending?.succeed(text)
        pending = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        pending?.fail(ChannelError.ioOnClosedChannel)
        pending = nil
        context.fireChannelInactive()
    }
}
// END docs/load-testing.md

/// Echoes every byte back.
final class EchoHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.writeAndFlush(data, promise: nil)
    }
}

@Suite("A plug-in of one's own")
struct LineEchoPluginTests {
    @Test func theDocsPluginMeasuresRoundTripsToAnEchoServer() async throws {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(EchoHandler()) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        defer { server.close(promise: nil) }
        let registry = PluginRegistry()
        registry.register(LineEchoPlugin())
        let scenario = Scenario(
            plugins: [PluginUse(id: "echo", plugin: "LineEcho", parameters: Parameters(["port": String(server.localAddress!.port!)])),
                      PluginUse(id: "common", plugin: "Common")],
            behaviors: [Behavior(id: "B0", steps: [.whileLoop(OperationUse(use: "common", name: "true"), body: [
                .sample(OperationUse(use: "echo", name: "send", parameters: Parameters(["text": "hello"]))),
            ])])],
            groups: [PopulationGroup(behavior: "B0", ramps: [Ramp(.line, from: .init(x: 0, y: 2), to: .init(x: 0.5, y: 2))])])
        let compiled = try CompiledScenario(scenario, plugins: registry)
        let statistics = await (try LoadEngine(scenario: compiled, profile: .closed(scenario.groups))).run()
        let echo = try #require(statistics.actions["echo"])
        #expect(echo.calls > 0)
        #expect(echo.errors == 0)
    }

    @Test func aBadPortIsALocatedErrorBeforeTheLoad() throws {
        let registry = PluginRegistry()
        registry.register(LineEchoPlugin())
        let scenario = Scenario(plugins: [PluginUse(id: "echo", plugin: "LineEcho", parameters: Parameters(["port": "http"]))],
                                behaviors: [Behavior(id: "B0", steps: [.sample(OperationUse(use: "echo", name: "send", parameters: Parameters(["text": "x"])))])])
        let problems = CompiledScenario.check(scenario, plugins: registry)
        #expect(problems.contains { $0.message.contains("'port' must be a number") })
    }

    @Test func theDocsStillShowThisPlugin() throws {
        let source = try String(contentsOfFile: #filePath, encoding: .utf8)
        let begin = try #require(source.range(of: "// BEGIN docs/load-testing.md\n"))
        let end = try #require(source.range(of: "// END docs/load-testing.md", range: begin.upperBound..<source.endIndex))
        let shown = String(source[begin.upperBound..<end.lowerBound])
        let page = try String(contentsOfFile: packageRoot + "/docs/load-testing.md", encoding: .utf8)
        #expect(page.contains(shown), "docs/load-testing.md no longer shows the LineEcho plug-in of \(#fileID)")
    }
}

/// The package folder, from this file's path.
let packageRoot: String = #filePath.components(separatedBy: "/Tests/").first ?? "."
