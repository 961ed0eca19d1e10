import Fractal
import FractalADL
@testable import FractalRemote
import Testing

@Suite struct MemoryNodeTests {
    let transports = TransportRegistry([MemoryTransport()])

    func node(_ name: String, listening: Bool = true) async throws -> Node {
        let node = Node(name: name, registry: RemoteWorld.registry, transports: transports, options: RemoteWorld.fastOptions)
        if listening { try await node.listen(at: NodeAddress(parsing: "mem://\(name)")) }
        return node
    }

    @Test func nodesExchangeNamesInTheHandshake() async throws {
        let n1 = try await node("n1")
        let coordinator = try await node("coordinator", listening: false)
        let peer = try await coordinator.connect(to: NodeAddress(parsing: "mem://n1"))
        #expect(peer.remoteName == "n1")
        let info = try await coordinator.control(of: peer).info()
        #expect(info.name == "n1")
        #expect(info.cores > 0)
        await coordinator.shutdown()
        await n1.shutdown()
    }

    @Test func aOneWayCallThatFailsIsCountedWhereItFailed() async throws {
        let server = try await node("oneWayServer")
        let coordinator = try await node("oneWayCaller", listening: false)
        let peer = try await coordinator.connect(to: NodeAddress(parsing: "mem://oneWayServer"))
        let served = try #require(server.peer(named: "oneWayCaller"))
        #expect(served.oneWayFailures == 0)
        let call = CallRequest(target: "nothing#here", signature: "remote.Echo", method: "say(_:)", arguments: [])
        try peer.sendOneWay(call.encoded())
        try peer.sendOneWay(call.encoded())
        // Nothing answers a one-way call: the count on the serving side is what shows it.
        let deadline = ContinuousClock.now + .seconds(10)
        while served.oneWayFailures < 2 && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        #expect(served.oneWayFailures == 2)
        #expect(peer.isConnected)
        await coordinator.shutdown()
        await server.shutdown()
    }

    @Test func aNodeTakesNoMorePeersThanItsMaximumAndForgetsThoseGone() async throws {
        var few = RemoteWorld.fastOptions
        few.maximumPeers = 2
        let server = Node(name: "busyServer", registry: RemoteWorld.registry, transports: transports, options: few)
        try await server.listen(at: NodeAddress(parsing: "mem://busyServer"))
        let address = try NodeAddress(parsing: "mem://busyServer")
        let first = try await node("busyFirst", listening: false)
        let second = try await node("busySecond", listening: false)
        let third = try await node("busyThird", listening: false)
        _ = try await first.connect(to: address)
        _ = try await second.connect(to: address)
        do {
            _ = try await third.connect(to: address)
            Issue.record("a third peer was admitted")
        } catch let error as RemoteError {
            #expect(error.kind == .handshakeFailed)
            #expect(error.message.contains("node 'busyServer' has its maximum of 2 peers connected"), "\(error)")
        }
        #expect(server.peerNames == ["busyFirst", "busySecond"])

        // Once a peer has gone, its entry goes too, and its place is free.
        await first.shutdown()
        let deadline = ContinuousClock.now + .seconds(10)
        while server.knownPeerCount > 1 && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        #expect(server.knownPeerCount == 1)
        _ = try await third.connect(to: address)
        #expect(server.peerNames == ["busySecond", "busyThird"])
        for node in [second, third, server] { await node.shutdown() }
    }

    @Test func aHostedPathIsReplacedOnlyAtTheRequestOfTheNodeThatMadeIt() async throws {
        let server = try await node("sharedHost")
        let owner = try await node("pathOwner", listening: false)
        let other = try await node("pathSquatter", listening: false)
        let address = try NodeAddress(parsing: "mem://sharedHost")
        let ownerControl = try owner.control(of: try await owner.connect(to: address))
        let otherControl = try other.control(of: try await other.connect(to: address))

        _ = try await ownerControl.instantiate(RemoteWorld.echoPlan("echo"), path: "/work")
        try await ownerControl.start("/work")
        weak let first = try server.hosted("/work")
        #expect(first != nil)
        do {
            _ = try await otherControl.instantiate(RemoteWorld.echoPlan("echo"), path: "/work")
            Issue.record("another node replaced what pathOwner made")
        } catch let error as FractalError {
            #expect(error.kind == .alreadyAdded)
            #expect(error.message.contains("made at the request of 'pathOwner'"), "\(error)")
        }
        #expect(try server.hosted("/work") === first, "the refused request changed nothing")
        #expect(try server.hosted("/work").lifeCycleController.state == .started)

        // Its owner may: the old component is stopped, unbound and forgotten, the new one hosted.
        _ = try await ownerControl.instantiate(RemoteWorld.echoPlan("echo"), path: "/work")
        #expect(first == nil, "the replaced component was released")
        #expect(try server.hosted("/work").lifeCycleController.state == .stopped)
        for node in [owner, other, server] { await node.shutdown() }
    }

    @Test func aSecondNodeWithAConnectedNodesNameIsRefusedInTheHandshake() async throws {
        let server = try await node("gatekeeper")
        let first = try await node("twin", listening: false)
        let impostor = try await node("twin", listening: false)
        _ = try await first.connect(to: NodeAddress(parsing: "mem://gatekeeper"))
        do {
            _ = try await impostor.connect(to: NodeAddress(parsing: "mem://gatekeeper"))
            Issue.record("a second node named 'twin' was admitted")
        } catch let error as RemoteError {
            #expect(error.kind == .handshakeFailed, "\(error)")
            #expect(error.message.contains("a node named 'twin' is already connected to 'gatekeeper'"), "\(error)")
        }
        // The first one is untouched.
        #expect(server.peerNames == ["twin"])
        #expect(try await server.control(of: "twin").info().name == "twin")
        await impostor.shutdown()
        await first.shutdown()
        await server.shutdown()
    }

    @Test func aNodeCannotConnectUnderTheListenersOwnName() async throws {
        let server = try await node("mirror")
        let clone = try await node("mirror", listening: false)
        await #expect(throws: RemoteError.self) { try await clone.connect(to: NodeAddress(parsing: "mem://mirror")) }
        #expect(server.peerNames.isEmpty)
        await clone.shutdown()
        await server.shutdown()
    }

    @Test func aLinkWithNoConnectionFailsAtOnceWithNodeLost() async throws {
        let lonely = try await node("lonely", listening: false)
        let echo = try remoteProxy((any Echo).self, exportedAs: "echo#e", over: lonely.link(to: "absent", via: "nobody"), registry: RemoteWorld.registry)
        do {
            _ = try await echo.echo(1)
            Issue.record("a call over a link to an unconnected node returned")
        } catch let error as RemoteError {
            #expect(error.kind == .nodeLost)
            #expect(error.message == "node 'lonely' is not connected to 'absent' nor to 'nobody' at the moment")
        }
        await lonely.shutdown()
    }

    @Test func clientOnOneNodeCallsServerOnAnotherThroughTheCoordinator() async throws {
        let n1 = try await node("relayNode")
        let n2 = try await node("echoNode")
        let coordinator = try await node("hub", listening: false)
        let p1 = try await coordinator.connect(to: NodeAddress(parsing: "mem://relayNode"))
        let p2 = try await coordinator.connect(to: NodeAddress(parsing: "mem://echoNode"))
        try await RemoteWorld.expectRelayedEcho(hub: coordinator, relayNode: p1, echoNode: p2)
        await coordinator.shutdown()
        await n1.shutdown()
        await n2.shutdown()
    }

    @Test func manyConcurrentCallsOverOneConnectionAreAllAnswered() async throws {
        let server = try await node("busy")
        let coordinator = try await node("caller", listening: false)
        let peer = try await coordinator.connect(to: NodeAddress(parsing: "mem://busy"))
        let control = try coordinator.control(of: peer)
        _ = try await control.instantiate(RemoteWorld.echoPlan("echo"), path: "echo")
        try await control.start("echo")
        let echo = try remoteProxy((any Echo).self, exportedAs: "echo#e", over: peer, registry: RemoteWorld.registry)
        let wrong = try await withThrowingTaskGroup(of: Bool.self) { group in
            for value in 0..<10_000 {
                group.addTask { try await echo.echo(value) != value }
            }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(wrong == 0)
        await coordinator.shutdown()
        await server.shutdown()
    }

    @Test func aSeveredNodeFailsPendingCallsWithNodeLost() async throws {
        let server = try await node("fragile")
        let coordinator = try await node("watcher", listening: false)
        let peer = try await coordinator.connect(to: NodeAddress(parsing: "mem://fragile"))
        let control = try coordinator.control(of: peer)
        _ = try await control.instantiate(RemoteWorld.echoPlan("echo"), path: "echo")
        try await control.start("echo")
        let echo = try remoteProxy((any Echo).self, exportedAs: "echo#e", over: peer, registry: RemoteWorld.registry)
        let call = Task { try await echo.slow(5_000) }
        try await Task.sleep(for: .milliseconds(100))
        (peer.connection as! MemoryConnection).sever()
        do {
            _ = try await call.value
            Issue.record("the call returned although its node was lost")
        } catch let error as FractalError {
            Issue.record("expected a RemoteError, got \(error)")
        } catch let error as RemoteError {
            #expect(error.kind == .nodeLost)
            #expect(error.node == "fragile")
        }
        #expect(!peer.isConnected)
        await coordinator.shutdown()
        await server.shutdown()
    }

    @Test func remoteErrorsCarryTheRemoteComponentPath() async throws {
        let server = try await node("strict")
        let coordinator = try await node("asker", listening: false)
        let peer = try await coordinator.connect(to: NodeAddress(parsing: "mem://strict"))
        let control = try coordinator.control(of: peer)
        _ = try await control.instantiate(RemoteWorld.relayPlan("relay"), path: "/app/relay")
        await #expect(throws: FractalError.self) { try await control.start("/app/relay") }
        do {
            try await control.start("/app/relay")
        } catch let error as FractalError {
            #expect(error.kind == .mandatoryInterfaceUnbound)
            #expect(error.node == "strict")
            #expect(error.component == "/relay")
            #expect(error.interface == "target")
            #expect("\(error)".hasPrefix("node strict: /relay#target: "), "\(error)")
        }
        await coordinator.shutdown()
        await server.shutdown()
    }

    /// An error from two nodes away names where it happened, not the node that passed it on.
    @Test func anErrorFromFurtherAwayKeepsItsNodeAndComponent() async throws {
        let front = try await node("passer")
        let back = try await node("origin")
        let coordinator = try await node("asking", listening: false)
        let frontPeer = try await coordinator.connect(to: NodeAddress(parsing: "mem://passer"))
        _ = try await coordinator.connect(to: NodeAddress(parsing: "mem://origin"))
        let relay = try coordinator.control(of: frontPeer)
        _ = try await relay.instantiate(RemoteWorld.relayPlan("relay"), path: "/app/relay")
        // Bound to an export that does not exist on the far node.
        try await relay.bind("/app/relay", client: "target", node: "origin", export: "/app/missing#e",
                             signature: "remote.Echo", via: coordinator.name)
        try await relay.start("/app/relay")
        let entry = try remoteProxy((any Echo).self, exportedAs: "/app/relay#e", over: frontPeer, registry: RemoteWorld.registry)
        do {
            _ = try await entry.echo(1)
            Issue.record("a call to a missing export returned")
        } catch let error as FractalError {
            #expect(error.kind == .noSuchInterface)
            #expect(error.node == "origin", "\(error)")
            #expect(error.component == nil)
            #expect(error.message == "nothing is exported as '/app/missing#e'")
        }
        for node in [coordinator, front, back] { await node.shutdown() }
    }

    @Test func callsToAnUnknownNodeFailClearly() async throws {
        let coordinator = try await node("lonely", listening: false)
        await #expect(throws: RemoteError.self) {
            _ = try await coordinator.connect(to: NodeAddress(parsing: "mem://nobody"))
        }
        #expect(throws: RemoteError.self) { _ = try NodeAddress(parsing: "tcp://host:notaport") }
        #expect(throws: RemoteError.self) { _ = try TransportRegistry().transport(for: NodeAddress(parsing: "udp://x:1")) }
    }
}
