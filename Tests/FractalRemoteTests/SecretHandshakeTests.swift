import Crypto
import Fractal
import FractalNIO
@testable import FractalRemote
import Foundation
import Testing

/// Plain-TCP nodes that authenticate each other with a shared secret: who gets in, who is
/// refused and with what words, and the handshake on the wire as docs/wire-protocol.md says.
@Suite struct SecretHandshakeTests {
    static let community = CommunitySecret.random()

    func node(_ name: String, _ authentication: TCPAuthentication, listening: Bool = true) async throws -> (node: Node, address: NodeAddress?) {
        let node = Node(name: name, registry: RemoteWorld.registry, transports: TransportRegistry([TCPTransport(authentication: authentication)]),
                        options: TCPNodeTests.options)
        guard listening else { return (node, nil) }
        return (node, try await node.listen(at: NodeAddress(parsing: "tcp://127.0.0.1:0")))
    }

    /// The server node still deploys and serves for a holder of the secret.
    func expectServes(_ address: NodeAddress, as caller: String, with authentication: TCPAuthentication = .sharedSecret(community)) async throws {
        let (coordinator, _) = try await node(caller, authentication, listening: false)
        let peer = try await coordinator.connect(to: address)
        let control = try coordinator.control(of: peer)
        _ = try await control.instantiate(RemoteWorld.echoPlan("echo"), path: "echo-\(caller)")
        try await control.start("echo-\(caller)")
        let echo = try remoteProxy((any Echo).self, exportedAs: "echo-\(caller)#e", over: peer, registry: RemoteWorld.registry)
        #expect(try await echo.echo(41) == 41)
        await coordinator.shutdown()
    }

    func expectRefused(_ address: NodeAddress, as caller: String, with authentication: TCPAuthentication, saying words: String) async throws {
        let (coordinator, _) = try await node(caller, authentication, listening: false)
        await #expect {
            try await coordinator.connect(to: address)
        } throws: { error in
            let remote = error as? RemoteError
            #expect(remote?.kind == .handshakeFailed || remote?.kind == .connectionClosed, "\(error)")
            #expect("\(error)".contains(words), "\(error)")
            return true
        }
        await coordinator.shutdown()
    }

    @Test func holdersOfTheSecretConnectAndCallAndKnowWhichSecretTheOtherProved() async throws {
        let (server, address) = try await node("secretServer", .sharedSecret(Self.community))
        try await expectServes(address!, as: "holder")
        let (coordinator, _) = try await node("holder2", .sharedSecret(Self.community), listening: false)
        let peer = try await coordinator.connect(to: address!)
        #expect(peer.remoteMember == "community")
        #expect(peer.remoteName == "secretServer")
        await coordinator.shutdown()
        await server.shutdown()
    }

    @Test func aNodeAcceptsEverySecretOfItsKeyringAndReportsWhichOne() async throws {
        let alice = CommunitySecret.random(identity: "alice")
        let (server, address) = try await node("keyringServer", .sharedSecrets([Self.community, alice]))
        let (coordinator, _) = try await node("aliceNode", .sharedSecret(alice), listening: false)
        let peer = try await coordinator.connect(to: address!)
        #expect(peer.remoteMember == "alice")
        try await expectServes(address!, as: "aliceCaller", with: .sharedSecret(alice))
        await coordinator.shutdown()
        await server.shutdown()
    }

    @Test func aWrongKeyAnUnknownIdentityOrNoSecretAtAllIsRefusedAndTheNodeStillServes() async throws {
        let (server, address) = try await node("guarded", .sharedSecret(Self.community))
        let forged = try CommunitySecret(identity: "community", key: Array(repeating: 7, count: 32))
        try await expectRefused(address!, as: "forger", with: .sharedSecret(forged), saying: "does not hold secret 'community'")
        try await expectRefused(address!, as: "stranger", with: .sharedSecret(.random(identity: "mallory")), saying: "knows no secret for 'mallory'")
        try await expectRefused(address!, as: "plain", with: .none, saying: "authenticates with a shared secret, and this side holds none")
        // None of them got as far as a hello: the node never knew them.
        #expect(server.knownPeerCount == 0)
        try await expectServes(address!, as: "member")
        await server.shutdown()
    }

    @Test func aNodeWithoutSecretRefusesOneThatOffersIt() async throws {
        let (server, address) = try await node("open", .none)
        try await expectRefused(address!, as: "secretive", with: .sharedSecret(Self.community), saying: "closed the connection during authentication")
        #expect(server.knownPeerCount == 0)
        await server.shutdown()
    }

    // MARK: On the wire

    /// An opener written from docs/wire-protocol.md, on a raw socket.
    struct RawOpener {
        let client: TCPRawClient
        let nonce: [UInt8]
        var theirNonce: [UInt8] = []

        init(port: Int, nonce: [UInt8] = (0..<32).map { _ in UInt8.random(in: .min ... .max) }) throws {
            client = try TCPRawClient(port: port)
            self.nonce = nonce
        }

        static func transcript(role: UInt8, opener: [UInt8], acceptor: [UInt8], identity: String) -> [UInt8] {
            Array("fractal shared secret v1".utf8) + [role] + opener + acceptor + [UInt8(identity.utf8.count)] + Array(identity.utf8)
        }

        static func proof(role: UInt8, opener: [UInt8], acceptor: [UInt8], secret: CommunitySecret, key: [UInt8]) -> [UInt8] {
            Array(HMAC<SHA256>.authenticationCode(for: transcript(role: role, opener: opener, acceptor: acceptor, identity: secret.identity),
                                                  using: SymmetricKey(data: key)))
        }

        func sendChallenge(identity: String) throws {
            try client.send([0x46, 0x52, 0x53, 0x43, 1] + nonce + [UInt8(identity.utf8.count)] + Array(identity.utf8))
        }

        /// Reads the acceptor's challenge and proof; returns its proof.
        mutating func readAcceptor() async throws -> [UInt8] {
            let challenge = try #require(await client.read(38, timeout: .seconds(5)), "the acceptor's challenge")
            #expect(Array(challenge.prefix(5)) == [0x46, 0x52, 0x53, 0x43, 1])
            #expect(challenge[37] == 0, "the acceptor names no identity")
            theirNonce = Array(challenge[5..<37])
            let proof = try #require(await client.read(33, timeout: .seconds(5)), "the acceptor's proof")
            #expect(proof[0] == 0x02)
            return Array(proof.dropFirst())
        }
    }

    @Test func theHandshakeIsTheOneDocumentedAndAProofCannotBeReplayedOrReflected() async throws {
        let key = Array(repeating: UInt8(0x5A), count: 32)
        let secret = try CommunitySecret(identity: "community", key: key)
        let (server, address) = try await node("wired", .sharedSecret(secret))
        let port = try #require(address?.port)

        // An opener that follows the documentation gets in.
        var opener = try RawOpener(port: port)
        try opener.sendChallenge(identity: "community")
        let acceptorProof = try await opener.readAcceptor()
        #expect(acceptorProof == RawOpener.proof(role: 0x61, opener: opener.nonce, acceptor: opener.theirNonce, secret: secret, key: key),
                "the acceptor proves the secret over role 'a' and both nonces")
        let openerProof = RawOpener.proof(role: 0x6F, opener: opener.nonce, acceptor: opener.theirNonce, secret: secret, key: key)
        try opener.client.send([0x02] + openerProof)
        try opener.client.send(Frame(.hello, payload: Hello(node: "raw").encoded()).encoded())
        let greeting = await opener.client.readFrames(until: { $0.contains { $0.kind == .hello } }, timeout: .seconds(5))
        #expect(greeting.frames.first?.kind == .hello, "the node greets an opener that proved the secret")
        #expect(server.knownPeerCount == 1)
        opener.client.close()

        // The same bytes on a new connection: the node's nonce is new, so the old proof is wrong.
        let replay = try RawOpener(port: port, nonce: opener.nonce)
        try replay.sendChallenge(identity: "community")
        try replay.client.send([0x02] + openerProof)
        let replayed = await replay.client.readUntilClosed(timeout: .seconds(5))
        #expect(replayed.closed, "a replayed proof closes the connection")
        #expect(String(decoding: replayed.bytes, as: UTF8.self).contains("wrong proof"), "the node says why")

        // The node's own proof sent back to it is for the other role.
        var reflector = try RawOpener(port: port)
        try reflector.sendChallenge(identity: "community")
        let reflected = try await reflector.readAcceptor()
        try reflector.client.send([0x02] + reflected)
        #expect(await reflector.client.readUntilClosed(timeout: .seconds(5)).closed, "a reflected proof closes the connection")

        #expect(server.knownPeerCount <= 1, "only the documented opener became a peer")
        await server.shutdown()
    }

    @Test func bytesBeforeAuthenticationAreBoundedAndAFrameWithoutChallengeIsRefused() async throws {
        let (server, address) = try await node("bounded", .sharedSecret(Self.community))
        let port = try #require(address?.port)

        // A plain hello, as a node without secret sends it: refused, saying what is needed.
        let plain = try TCPRawClient(port: port)
        try plain.send(Frame(.hello, payload: Hello(node: "plain").encoded()).encoded())
        let refused = await plain.readUntilClosed(timeout: .seconds(5))
        #expect(refused.closed)
        #expect(String(decoding: refused.bytes, as: UTF8.self).contains("hold its shared secret"), "the refusal says why")

        // A challenge, then a refusal message announcing 64 KiB that never ends: cut at the bound.
        let opener = try RawOpener(port: port)
        try opener.sendChallenge(identity: "community")
        try opener.client.send([0x03, 0xFF, 0xFF] + [UInt8](repeating: 0x41, count: 4096))
        #expect(await opener.client.readUntilClosed(timeout: .seconds(5)).closed, "the node stops reading past its bound")

        #expect(server.knownPeerCount == 0)
        try await expectServes(address!, as: "boundedMember")
        await server.shutdown()
    }

    // MARK: Secret files

    func write(_ text: String, mode: Int = 0o600) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("secret-\(UUID().uuidString)").path
        #expect(FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: mode]))
        return path
    }

    @Test func aSecretFileHoldsIdentitiesAndKeysAndCommentsAndRoundTrips() throws {
        let alice = CommunitySecret.random(identity: "alice@lab")
        let bare = Data((0..<16).map { UInt8($0) }).base64EncodedString()
        let path = try write("# the community's secrets\n\n\(alice.line)\n  \(bare)\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let secrets = try CommunitySecret.load(from: path)
        #expect(secrets.map(\.identity) == ["alice@lab", "community"])
        #expect(secrets[0] == alice)
        #expect(!alice.description.contains(alice.line.split(separator: " ")[1]), "a secret never prints its key")
    }

    @Test(arguments: [
        ("community not-base64!\n", 0o600, ":1:1: error: the key is not base64"),
        ("# short\nshort \(Data([1, 2, 3]).base64EncodedString())\n", 0o600, ":2:1: error: a secret of 3 bytes is too short"),
        ("a \(Data(count: 16).base64EncodedString())\n   a \(Data(count: 20).base64EncodedString())\n", 0o600, ":2:4: error: a second secret for 'a'"),
        ("bad/name \(Data(count: 16).base64EncodedString())\n", 0o600, "is not a secret identity"),
        ("# nothing\n\n", 0o600, ":1:1: error: the secret file holds no secret"),
        ("community \(Data(count: 16).base64EncodedString())\n", 0o644, "readable by others than its owner (mode 644): chmod 600"),
    ])
    func aBadSecretFileIsALocatedError(text: String, mode: Int, words: String) throws {
        let path = try write(text, mode: mode)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect {
            try CommunitySecret.load(from: path)
        } throws: { error in
            #expect(error is SecretFileError)
            #expect("\(error)".contains(path) && "\(error)".contains(words), "\(error)")
            return true
        }
    }
}
