import Fractal
@testable import FractalNIO
@testable import FractalRemote
import Foundation
import Testing

/// Nodes over TLS with mutual authentication, on 127.0.0.1.
@Suite(.serialized) struct TLSNodeTests {
    static let certificates: String = {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fractal-tls-\(getpid())").path
        try? CertificateAuthority.make(in: folder, nodes: ["server", "client", "alice"])
        return folder
    }()

    /// These tests are not about losing nodes: a loss timeout that other suites' load on the
    /// shared event loops cannot reach.
    static var options: PeerOptions {
        var options = RemoteWorld.fastOptions
        options.lossTimeout = .seconds(10)
        return options
    }

    func node(_ name: String, identity: TLSIdentity) throws -> Node {
        Node(name: name, registry: RemoteWorld.registry,
             transports: TransportRegistry([try TCPTransport(tls: identity)]), options: Self.options)
    }

    @Test func nodesWithCertificatesFromTheCommunityCACallEachOther() async throws {
        let server = try node("server", identity: CertificateAuthority.identity(of: "server", in: Self.certificates))
        let address = try await server.listen(at: NodeAddress(parsing: "tls://127.0.0.1:0"))
        let client = try node("client", identity: CertificateAuthority.identity(of: "client", in: Self.certificates))
        let peer = try await client.connect(to: address)
        #expect(peer.remoteName == "server")
        let control = try client.control(of: peer)
        _ = try await control.instantiate(RemoteWorld.echoPlan("echo"), path: "echo")
        try await control.start("echo")
        let echo = try remoteProxy((any Echo).self, exportedAs: "echo#e", over: peer, registry: RemoteWorld.registry)
        #expect(try await echo.echo(99) == 99)
        await client.shutdown()
        await server.shutdown()
    }

    @Test func aNodeWithoutACertificateFromTheCommunityIsRefusedBeforeAnyCall() async throws {
        let server = try node("server", identity: CertificateAuthority.identity(of: "server", in: Self.certificates))
        let address = try await server.listen(at: NodeAddress(parsing: "tls://127.0.0.1:0"))
        // Another community: its own CA, whose certificates the server does not trust.
        let strangers = Self.certificates + "-strangers"
        try CertificateAuthority.make(in: strangers, nodes: ["intruder"])
        var intruderIdentity = CertificateAuthority.identity(of: "intruder", in: strangers)
        intruderIdentity.certificateAuthorityPath = CertificateAuthority.identity(of: "server", in: Self.certificates).certificateAuthorityPath
        let intruder = try node("intruder", identity: intruderIdentity)
        do {
            let peer = try await intruder.connect(to: address)
            _ = try await intruder.control(of: peer).info()
            Issue.record("a node with a certificate from another CA was served")
        } catch let error as RemoteError {
            #expect([.handshakeFailed, .connectionClosed, .connectionFailed].contains(error.kind), "\(error)")
        }
        #expect(server.peerNames.isEmpty)
        await intruder.shutdown()
        await server.shutdown()
    }

    /// A member that left: its certificate, though signed by the CA, is refused both ways once
    /// it is on the revocation list beside `ca.pem`; a new certificate for the same name works.
    @Test func aRevokedCertificateIsRefusedBothWaysAndANewOneIsNot() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fractal-revoked-\(UUID().uuidString)").path
        defer {
            try? FileManager.default.removeItem(atPath: folder)
            try? FileManager.default.removeItem(atPath: CertificateAuthority.keyFolder(for: folder))
        }
        try CertificateAuthority.make(in: folder, nodes: ["keeper", "leaver"])
        // The leaver keeps its old files, as a member who leaves would.
        let oldLeaver = CertificateAuthority.identity(of: "leaver", in: folder + "-old")
        try FileManager.default.createDirectory(atPath: folder + "-old", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder + "-old") }
        for file in ["leaver.pem", "leaver.key", "ca.pem"] {
            try FileManager.default.copyItem(atPath: folder + "/" + file, toPath: folder + "-old/" + file)
        }
        #expect(try CertificateAuthority.revoke("leaver", in: folder).count == 1)
        #expect(try CertificateAuthority.revoke("leaver", in: folder).isEmpty, "revoked once")

        let keeper = try node("keeper", identity: CertificateAuthority.identity(of: "keeper", in: folder))
        let address = try await keeper.listen(at: NodeAddress(parsing: "tls://127.0.0.1:0"))
        let leaver = try node("leaver", identity: oldLeaver)
        await #expect(throws: RemoteError.self) { try await leaver.connect(to: address) }
        #expect(keeper.peerNames.isEmpty)

        // The other way: the keeper, dialling the old leaver's node, refuses its certificate.
        let leaverAddress = try await leaver.listen(at: NodeAddress(parsing: "tls://127.0.0.1:0"))
        await #expect(throws: RemoteError.self) { try await keeper.connect(to: leaverAddress) }
        #expect(leaver.peerNames.isEmpty)

        // With a revocation list the chain is checked by the framework, not BoringSSL: a
        // certificate from another CA is still refused.
        let strangers = folder + "-strangers"
        defer {
            try? FileManager.default.removeItem(atPath: strangers)
            try? FileManager.default.removeItem(atPath: CertificateAuthority.keyFolder(for: strangers))
        }
        try CertificateAuthority.make(in: strangers, nodes: ["intruder"])
        var intruderIdentity = CertificateAuthority.identity(of: "intruder", in: strangers)
        intruderIdentity.certificateAuthorityPath = folder + "/ca.pem"
        let intruder = try node("intruder", identity: intruderIdentity)
        await #expect(throws: RemoteError.self) { try await intruder.connect(to: address) }
        #expect(keeper.peerNames.isEmpty)
        await intruder.shutdown()

        // Rejoining with a new certificate: accepted.
        try CertificateAuthority.make(in: folder, nodes: ["leaver"])
        let rejoined = try node("leaver", identity: CertificateAuthority.identity(of: "leaver", in: folder))
        let peer = try await rejoined.connect(to: address)
        #expect(peer.remoteName == "keeper")
        await rejoined.shutdown()
        await leaver.shutdown()
        await keeper.shutdown()
    }

    /// A certificate from the community's CA proves a node's name: a node that says it is
    /// someone else is refused, whichever side it is on.
    @Test func aNodeThatClaimsAnotherNodesNameIsRefused() async throws {
        let server = try node("server", identity: CertificateAuthority.identity(of: "server", in: Self.certificates))
        let address = try await server.listen(at: NodeAddress(parsing: "tls://127.0.0.1:0"))
        let impostor = try node("client", identity: CertificateAuthority.identity(of: "alice", in: Self.certificates))
        do {
            _ = try await impostor.connect(to: address)
            Issue.record("a node with alice's certificate was admitted as 'client'")
        } catch let error as RemoteError {
            #expect(error.kind == .handshakeFailed, "\(error)")
            #expect(error.message.contains("'client' presents a certificate for 'alice'"), "\(error)")
        }
        #expect(server.peerNames.isEmpty)

        // The other way round: a listener with a certificate that is not its own.
        let fakeServer = try node("server2", identity: CertificateAuthority.identity(of: "alice", in: Self.certificates))
        let fakeAddress = try await fakeServer.listen(at: NodeAddress(parsing: "tls://127.0.0.1:0"))
        let client = try node("client", identity: CertificateAuthority.identity(of: "client", in: Self.certificates))
        await #expect(throws: RemoteError.self) { _ = try await client.connect(to: fakeAddress) }
        #expect(client.peerNames.isEmpty)

        // Under its own name, alice's certificate is fine.
        let alice = try node("alice", identity: CertificateAuthority.identity(of: "alice", in: Self.certificates))
        #expect(try await alice.connect(to: address).remoteName == "server")
        for node in [impostor, fakeServer, client, alice, server] { await node.shutdown() }
    }

    @Test func aPlainTCPClientIsRefusedByATLSNode() async throws {
        let server = try node("server", identity: CertificateAuthority.identity(of: "server", in: Self.certificates))
        let address = try await server.listen(at: NodeAddress(parsing: "tls://127.0.0.1:0"))
        let plain = Node(name: "plain", registry: RemoteWorld.registry, transports: TransportRegistry([TCPTransport(authentication: .none)]), options: Self.options)
        var tcp = address
        tcp.scheme = "tcp"
        await #expect(throws: RemoteError.self) { _ = try await plain.connect(to: tcp) }
        #expect(server.peerNames.isEmpty)
        await plain.shutdown()
        await server.shutdown()
    }

    @Test func aBindingDeadlineOverridesTheDefault() async throws {
        let server = try node("server", identity: CertificateAuthority.identity(of: "server", in: Self.certificates))
        let address = try await server.listen(at: NodeAddress(parsing: "tls://127.0.0.1:0"))
        let client = try node("client", identity: CertificateAuthority.identity(of: "client", in: Self.certificates))
        let peer = try await client.connect(to: address)
        let control = try client.control(of: peer)
        _ = try await control.instantiate(RemoteWorld.echoPlan("echo"), path: "echo")
        try await control.start("echo")
        let relay = Relay()
        let component = try Component.primitive(
            "relay",
            type: ComponentType([InterfaceType(name: "target", signature: EchoProxy.self, role: .client)]),
            content: relay, registry: RemoteWorld.registry)
        try component.bindingController.bind("target", to: RemoteReference(
            channel: peer, export: "echo#e", signature: "remote.Echo", description: "server:echo#e", deadline: .milliseconds(1_500)))
        try await component.lifeCycleController.start()
        // A deadline far from both calls' times: the quick call must not miss it on a machine
        // busy with the suites beside this one.
        await #expect(throws: RemoteError.self) { _ = try await relay.target().slow(10_000) }
        #expect(try await relay.target().echo(5) == 5)
        await client.shutdown()
        await server.shutdown()
    }
}
