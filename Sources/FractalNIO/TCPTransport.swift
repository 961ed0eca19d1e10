import FractalRemote
import NIOCore
import NIOPosix
import NIOConcurrencyHelpers
import NIOSSL

/// How a plain-TCP transport authenticates the other side of each connection.
public enum TCPAuthentication: Sendable {
    /// The other side proves it holds one of these secrets, by a challenge–response before any
    /// frame; connections this side opens use the first. Anyone else is refused.
    case sharedSecrets([CommunitySecret])
    /// None: whoever reaches the port is a peer. For throwaway tests on one machine.
    case none

    /// The other side proves it holds `secret`.
    public static func sharedSecret(_ secret: CommunitySecret) -> TCPAuthentication { .sharedSecrets([secret]) }
}

/// Nodes over TCP, `tcp://host:port`, authenticated by a shared secret (or, when asked, not at
/// all); or over TLS with mutual authentication, `tls://host:port`; on SwiftNIO.
public final class TCPTransport: Transport {
    public let scheme: String

    let group: any EventLoopGroup
    let maximumFrameSize: Int
    private let tls: (server: NIOSSLContext, client: NIOSSLContext)?
    /// Checks peers' certificates when some are revoked (else BoringSSL does).
    private let verifier: CommunityVerifier?
    private let secrets: [CommunitySecret]?

    /// A plain TCP transport, whose peers authenticate as `authentication` says.
    public init(authentication: TCPAuthentication, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
                maximumFrameSize: Int = Frame.defaultMaximumSize) {
        self.group = group
        self.maximumFrameSize = maximumFrameSize
        scheme = "tcp"
        tls = nil
        verifier = nil
        switch authentication {
        case .sharedSecrets(let secrets):
            precondition(!secrets.isEmpty, "TCPAuthentication.sharedSecrets needs a secret")
            self.secrets = secrets
        case .none:
            secrets = nil
        }
    }

    /// A TLS transport: every connection, both ways, presents `identity`'s certificate and
    /// requires the other side's, signed by the same CA; others are refused before any frame.
    public init(tls identity: TLSIdentity, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, maximumFrameSize: Int = Frame.defaultMaximumSize) throws {
        self.group = group
        self.maximumFrameSize = maximumFrameSize
        scheme = "tls"
        tls = try identity.contexts()
        let revoked = try identity.revocationList()
        verifier = revoked.isEmpty ? nil : try CommunityVerifier(authorityPath: identity.certificateAuthorityPath, revoked: revoked)
        secrets = nil
    }

    /// Whether connections are authenticated (by TLS or a shared secret).
    public var authenticates: Bool { tls != nil || secrets != nil }

    public func listen(at address: NodeAddress, accept: @escaping @Sendable (any Connection) async -> Void) async throws -> any Listener {
        let maximumFrameSize = maximumFrameSize
        let serverContext = tls?.server
        let secrets = secrets
        let verifier = verifier
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let serverContext {
                        try channel.pipeline.syncOperations.addHandler(
                            verifier.map { NIOSSLServerHandler(context: serverContext, customVerificationCallback: $0.callback) } ?? NIOSSLServerHandler(context: serverContext))
                    }
                    let connection = try NIOConnection.install(on: channel, maximumFrameSize: maximumFrameSize, secrets: secrets, role: .acceptor)
                    Task { await accept(connection) }
                }
            }
        do {
            let channel = try await bootstrap.bind(host: address.host, port: address.port ?? 0).get()
            var bound = address
            bound.port = channel.localAddress?.port ?? address.port
            return NIOListener(address: bound, channel: channel)
        } catch {
            throw RemoteError(.connectionFailed, "cannot listen at \(address): \(error)")
        }
    }

    public func connect(to address: NodeAddress) async throws -> any Connection {
        let maximumFrameSize = maximumFrameSize
        let clientContext = tls?.client
        let secrets = secrets
        let verifier = verifier
        let box = ConnectionBox()
        let bootstrap = ClientBootstrap(group: group)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connectTimeout(.seconds(5))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let clientContext {
                        try channel.pipeline.syncOperations.addHandler(
                            try verifier.map { try NIOSSLClientHandler(context: clientContext, serverHostname: nil, customVerificationCallback: $0.callback) }
                                ?? NIOSSLClientHandler(context: clientContext, serverHostname: nil))
                    }
                    box.connection = try NIOConnection.install(on: channel, maximumFrameSize: maximumFrameSize, secrets: secrets, role: .opener,
                                                               remote: address.description)
                }
            }
        do {
            _ = try await bootstrap.connect(host: address.host, port: address.port ?? 0).get()
        } catch {
            throw RemoteError(.connectionFailed, "cannot connect to \(address): \(error)")
        }
        guard let connection = box.connection else { throw RemoteError(.connectionFailed, "cannot connect to \(address)") }
        return connection
    }
}

/// Carries the connection made on the event loop back to the caller of `connect`.
private final class ConnectionBox: @unchecked Sendable {
    var connection: NIOConnection?
}

struct NIOListener: Listener {
    let address: NodeAddress
    let channel: any Channel

    func close() async {
        try? await channel.close()
    }
}

/// A TCP connection: frames in through the pipeline's decoder, frames out as written bytes.
final class NIOConnection: Connection {
    let channel: any Channel
    let remoteDescription: String
    let executor: (any TaskExecutor)?
    private let handler: NIOLoopBound<FrameInboundHandler>
    private let gate: NIOLoopBound<ReadGate>
    private let names: NIOLockedValueBox<[String]?>
    private let member: NIOLockedValueBox<String?>

    var authenticatedNames: [String]? { names.withLockedValue { $0 } }
    var authenticatedMember: String? { member.withLockedValue { $0 } }
    /// Frames sent since the event loop last wrote: written together, with one flush (one
    /// system call for a burst of pipelined calls).
    private let outbox = NIOLockedValueBox(Outbox())

    private struct Outbox {
        var frames: [Frame] = []
        var bytes = 0
        var scheduled = false
    }

    private init(channel: any Channel, handler: FrameInboundHandler, gate: ReadGate, member: NIOLockedValueBox<String?>, remote: String) {
        self.channel = channel
        self.handler = NIOLoopBound(handler, eventLoop: channel.eventLoop)
        self.gate = NIOLoopBound(gate, eventLoop: channel.eventLoop)
        names = handler.authenticatedNames
        self.member = member
        executor = EventLoopExecutor(channel.eventLoop)
        remoteDescription = remote
    }

    /// Adds the frame handlers to `channel`'s pipeline, behind a secret handshake when given
    /// secrets. Must run on its event loop.
    static func install(on channel: any Channel, maximumFrameSize: Int, secrets: [CommunitySecret]?, role: SecretHandshakeHandler.Role,
                        remote: String? = nil) throws -> NIOConnection {
        let description = remote ?? channel.remoteAddress.map { "\($0)" } ?? "?"
        let handler = FrameInboundHandler(remote: description)
        var member = handler.authenticatedMember
        if let secrets {
            let handshake = SecretHandshakeHandler(role: role, secrets: secrets, remote: description)
            member = handshake.identity
            try channel.pipeline.syncOperations.addHandler(handshake)
        }
        let gate = ReadGate()
        try channel.pipeline.syncOperations.addHandlers([
            gate,
            ByteToMessageHandler(FrameByteDecoder(maximumSize: maximumFrameSize)),
            handler,
        ])
        return NIOConnection(channel: channel, handler: handler, gate: gate, member: member, remote: description)
    }

    func start(_ receiver: @escaping @Sendable (ConnectionEvent) -> Void) {
        let handler = handler
        channel.eventLoop.execute { handler.value.start(receiver) }
    }

    func send(_ frame: Frame) {
        let (schedule, full) = outbox.withLockedValue { outbox in
            outbox.frames.append(frame)
            outbox.bytes += 4 + Frame.headerSize + frame.payload.count
            defer { outbox.scheduled = true }
            return (!outbox.scheduled, outbox.frames.count >= Self.burst)
        }
        // On the loop, a long burst goes out at once: the other side starts on it while this
        // side prepares the rest, instead of the two taking turns.
        if full && channel.eventLoop.inEventLoop {
            writeOutbox()
        } else if schedule {
            channel.eventLoop.execute { self.writeOutbox() }
        }
    }

    /// Frames written together at most, when sent from the event loop.
    private static let burst = 16

    private func writeOutbox() {
        var frames: [Frame] = []
        let bytes = outbox.withLockedValue { outbox in
            swap(&frames, &outbox.frames)
            defer {
                outbox.bytes = 0
                outbox.scheduled = false
            }
            return outbox.bytes
        }
        guard !frames.isEmpty else { return }
        var buffer = channel.allocator.buffer(capacity: bytes)
        for frame in frames { buffer.writeFrame(frame) }
        channel.writeAndFlush(buffer, promise: nil)
    }

    func pauseReading(_ paused: Bool) {
        let (gate, channel) = (gate, channel)
        channel.eventLoop.execute {
            guard let context = try? channel.pipeline.syncOperations.context(handlerType: ReadGate.self) else { return }
            gate.value.setPeerPaused(paused, context: context)
        }
    }

    func close() async {
        try? await channel.close()
    }
}

extension ByteBuffer {
    /// Writes `frame` as on the wire: length, kind, stream, payload.
    mutating func writeFrame(_ frame: Frame) {
        writeInteger(UInt32(Frame.headerSize + frame.payload.count))
        writeInteger(frame.kind.rawValue)
        writeInteger(frame.stream)
        writeBytes(frame.payload)
    }
}
