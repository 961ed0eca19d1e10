import Crypto
import FractalRemote
import NIOConcurrencyHelpers
import NIOCore

/// The challenge–response that opens a plain-TCP connection between holders of a
/// ``CommunitySecret``, before any frame (docs/wire-protocol.md, "Authentication").
///
/// Both sides send a challenge at once: a magic, a version, a fresh 32-byte nonce and, from
/// the side that dialled, the identity of the secret it uses. Each then answers the other's
/// challenge with a proof, HMAC-SHA256 keyed by the secret over its role and both nonces, and
/// checks the other's. Until the other side's proof is checked, no byte it sends reaches the
/// frame decoder, none of ours but the handshake leaves, and at most ``limit`` bytes are kept.
/// A side that cannot go on says why in a refusal before it closes.
final class SecretHandshakeHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    enum Role: UInt8 {
        case opener = 0x6F  // "o"
        case acceptor = 0x61  // "a"

        var other: Role { self == .opener ? .acceptor : .opener }
    }

    /// "FRSC": what a challenge starts with, and what a frame decoder recognises when a side
    /// with a secret meets one without.
    static let magic: UInt32 = 0x4652_5343
    static let version: UInt8 = 1
    static let nonceSize = 32
    /// The most bytes taken from the other side before its proof is checked.
    static let limit = 1024

    private enum Message: UInt8 {
        case proof = 0x02
        case refusal = 0x03
    }

    private enum Stage {
        case challenge, proof, open, failed
    }

    let role: Role
    private let secrets: [CommunitySecret]
    private let remote: String
    /// The identity of the secret both sides proved, once they have.
    let identity = NIOLockedValueBox<String?>(nil)
    private let nonce: [UInt8]
    private var theirNonce: [UInt8] = []
    private var secret: CommunitySecret?
    private var stage = Stage.challenge
    private var challenged = false
    private var received: ByteBuffer?
    private var held: [(data: NIOAny, promise: EventLoopPromise<Void>?)] = []
    private var flushHeld = false

    init(role: Role, secrets: [CommunitySecret], remote: String) {
        precondition(!secrets.isEmpty, "a secret handshake needs a secret")
        self.role = role
        self.secrets = secrets
        self.remote = remote
        var generator = SystemRandomNumberGenerator()
        nonce = (0..<Self.nonceSize).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        if role == .opener { secret = secrets[0] }
    }

    // MARK: Lifecycle

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { challenge(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        challenge(context: context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if stage == .challenge || stage == .proof {
            stage = .failed
            failHeld()
            context.fireErrorCaught(RemoteError(
                .handshakeFailed, "the other side closed the connection during authentication (does it hold this secret, and take secrets at all?)"))
        }
        context.fireChannelInactive()
    }

    private func challenge(context: ChannelHandlerContext) {
        guard !challenged else { return }
        challenged = true
        let identity = role == .opener ? Array(secrets[0].identity.utf8) : []
        var buffer = context.channel.allocator.buffer(capacity: 4 + 1 + Self.nonceSize + 1 + identity.count)
        buffer.writeInteger(Self.magic)
        buffer.writeInteger(Self.version)
        buffer.writeBytes(nonce)
        buffer.writeInteger(UInt8(identity.count))
        buffer.writeBytes(identity)
        context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
    }

    // MARK: Bytes in

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        guard stage != .open else {
            context.fireChannelRead(data)
            return
        }
        guard stage != .failed else { return }
        if received == nil {
            received = bytes
        } else {
            received!.writeBuffer(&bytes)
        }
        while stage == .challenge || stage == .proof {
            guard let progressed = step(context: context), progressed else { break }
        }
        if stage == .challenge || stage == .proof, received?.readableBytes ?? 0 > Self.limit {
            fail(context: context, "the other side sent more than \(Self.limit) bytes before authenticating", tell: "too many bytes before authentication")
        }
    }

    /// Consumes one message from `received`: true when it did, false when more bytes are
    /// needed, nil when the handshake ended (open or failed).
    private func step(context: ChannelHandlerContext) -> Bool? {
        guard var buffer = received else { return false }
        switch stage {
        case .challenge:
            guard let magic = buffer.readInteger(as: UInt32.self) else { return false }
            guard magic == Self.magic else {
                fail(context: context, "the other side sent no challenge: it holds no secret (give it --secret-file)",
                     tell: "this node takes only peers that hold its shared secret (--secret-file)")
                return nil
            }
            guard let version = buffer.readInteger(as: UInt8.self),
                  let nonce = buffer.readBytes(length: Self.nonceSize),
                  let count = buffer.readInteger(as: UInt8.self),
                  let identityBytes = buffer.readBytes(length: Int(count))
            else { return false }
            received = buffer
            guard version == Self.version else {
                fail(context: context, "the other side authenticates with version \(version) of the secret handshake; this side, \(Self.version)",
                     tell: "secret handshake version \(Self.version) required")
                return nil
            }
            theirNonce = nonce
            if role == .acceptor {
                let identity = String(decoding: identityBytes, as: UTF8.self)
                guard let known = secrets.first(where: { $0.identity == identity }) else {
                    fail(context: context, "the other side holds a secret for '\(identity)', which this node does not know",
                         tell: "this node knows no secret for '\(identity)'")
                    return nil
                }
                secret = known
            }
            var proof = context.channel.allocator.buffer(capacity: 33)
            proof.writeInteger(Message.proof.rawValue)
            proof.writeBytes(code(for: role))
            context.writeAndFlush(wrapOutboundOut(proof), promise: nil)
            stage = .proof
            return true
        case .proof:
            guard let kind = buffer.readInteger(as: UInt8.self) else { return false }
            switch Message(rawValue: kind) {
            case .proof:
                guard let code = buffer.readBytes(length: 32) else { return false }
                received = buffer
                guard let secret, HMAC<SHA256>.isValidAuthenticationCode(code, authenticating: transcript(role.other), using: SymmetricKey(data: secret.key)) else {
                    fail(context: context, "the other side does not hold \(secret?.description ?? "the secret"): its proof is wrong",
                         tell: "wrong proof for \(secret?.description ?? "the secret")")
                    return nil
                }
                open(context: context)
                return nil
            case .refusal:
                guard let length = buffer.readInteger(as: UInt16.self), let text = buffer.readString(length: Int(length)) else { return false }
                received = buffer
                fail(context: context, "refused by the other side: \(text)", tell: nil)
                return nil
            case nil:
                fail(context: context, "the other side broke the secret handshake (message 0x\(String(kind, radix: 16)))", tell: "a malformed secret handshake")
                return nil
            }
        case .open, .failed:
            return nil
        }
    }

    /// What a side's proof authenticates: its role, both nonces (the opener's first) and the
    /// secret's identity.
    private func transcript(_ of: Role) -> [UInt8] {
        let identity = Array((secret?.identity ?? "").utf8)
        var bytes = Array("fractal shared secret v1".utf8)
        bytes.append(of.rawValue)
        bytes += role == .opener ? nonce + theirNonce : theirNonce + nonce
        bytes.append(UInt8(identity.count))
        bytes += identity
        return bytes
    }

    private func code(for role: Role) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: transcript(role), using: SymmetricKey(data: secret!.key)))
    }

    // MARK: Outcome

    private func open(context: ChannelHandlerContext) {
        stage = .open
        identity.withLockedValue { $0 = secret?.identity }
        let held = held, flush = flushHeld
        self.held = []
        for write in held { context.write(write.data, promise: write.promise) }
        if flush { context.flush() }
        if let rest = received, rest.readableBytes > 0 { context.fireChannelRead(wrapInboundOut(rest)) }
        received = nil
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    private func fail(context: ChannelHandlerContext, _ reason: String, tell: String?) {
        stage = .failed
        received = nil
        failHeld()
        if let tell {
            let text = Array(tell.utf8.prefix(1024))
            var refusal = context.channel.allocator.buffer(capacity: 3 + text.count)
            refusal.writeInteger(Message.refusal.rawValue)
            refusal.writeInteger(UInt16(text.count))
            refusal.writeBytes(text)
            context.writeAndFlush(wrapOutboundOut(refusal), promise: nil)
        }
        context.fireErrorCaught(RemoteError(.handshakeFailed, reason))
    }

    private func failHeld() {
        let held = held
        self.held = []
        for write in held { write.promise?.fail(RemoteError(.handshakeFailed, "the connection to \(remote) was not authenticated")) }
    }

    // MARK: Bytes out

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch stage {
        case .open: context.write(data, promise: promise)
        case .challenge, .proof: held.append((data, promise))
        case .failed: promise?.fail(RemoteError(.handshakeFailed, "the connection to \(remote) was not authenticated"))
        }
    }

    func flush(context: ChannelHandlerContext) {
        if stage == .open { context.flush() } else { flushHeld = true }
    }
}
