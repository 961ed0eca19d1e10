import Fractal
import FractalADL
@testable import FractalRemote
import FractalTesting
import Foundation
import Testing

@Suite struct DeploymentTests {
    let transports = TransportRegistry([MemoryTransport()])

    static let chain = """
    <definition name="Chain">
      <interface name="r" role="server" signature="fractal.Runnable"/>
      <interface name="e" role="server" signature="remote.Echo"/>
      <component name="relay">
        <interface name="r" role="server" signature="fractal.Runnable"/>
        <interface name="e" role="server" signature="remote.Echo"/>
        <interface name="target" role="client" signature="remote.Echo"/>
        <content class="remote.Relay"/>
        <virtual-node name="front"/>
      </component>
      <component name="echo">
        <interface name="e" role="server" signature="remote.Echo"/>
        <content class="remote.EchoImpl"/>
        <virtual-node name="back"/>
      </component>
      <binding client="this.r" server="relay.r"/>
      <binding client="this.e" server="relay.e"/>
      <binding client="relay.target" server="echo.e"/>
    </definition>
    """

    func plan() throws -> ComponentPlan {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("deploy-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Self.chain.write(to: folder.appendingPathComponent("Chain.fractal"), atomically: true, encoding: .utf8)
        return try ADL.resolve("Chain", searchPath: [folder.path], registry: RemoteWorld.registry)
    }

    func nodes(_ names: [String], reconnecting: Bool = false, nodeOptions: PeerOptions = RemoteWorld.fastOptions) async throws -> (Node, [String: Peer], [Node]) {
        var started: [Node] = []
        var peers: [String: Peer] = [:]
        let coordinator = Node(name: "coordinator", registry: RemoteWorld.registry, transports: transports, options: RemoteWorld.fastOptions)
        for name in names {
            let node = Node(name: name, registry: RemoteWorld.registry, transports: transports, options: nodeOptions)
            try await node.listen(at: NodeAddress(parsing: "mem://\(name)"))
            peers[name] = try await coordinator.connect(to: NodeAddress(parsing: "mem://\(name)"), reconnecting: reconnecting)
            started.append(node)
        }
        return (coordinator, peers, started)
    }

    @Test func subComponentsRunOnTheirVirtualNodesAndCallAcrossThem() async throws {
        let (coordinator, peers, started) = try await nodes(["frontNode", "backNode"])
        let deployed = try await Deployer(coordinator: coordinator).deploy(
            try plan(), nodes: ["front": peers["frontNode"]!, "back": peers["backNode"]!])
        #expect(deployed.placement == ["relay": "frontNode", "echo": "backNode"])
        // The relay calls the echo directly, not through the coordinator.
        #expect(started[0].peerNames == ["backNode", "coordinator"])
        try await deployed.start()
        #expect(try await deployed.top.interface(named: "e").callable(as: (any Echo).self).echo(7) == 7)

        let snapshot = try await deployed.snapshot()
        #expect(snapshot.subComponents.map(\.name).sorted() == ["echo", "relay"])
        let relay = try #require(snapshot.subComponents.first { $0.name == "relay" })
        #expect(relay.state == .started)
        #expect(relay.interfaces.first { $0.name == "target" }?.boundTo == ["backNode:/Chain/echo#e"])

        try await deployed.stop()
        let stopped = try await deployed.snapshot()
        #expect(stopped.subComponents.allSatisfy { $0.state == .stopped })
        await deployed.remove()
        #expect(try await coordinator.control(of: peers["frontNode"]!).info().components.isEmpty)
        await coordinator.shutdown()
        for node in started { await node.shutdown() }
    }

    @Test func aDeploymentThatFailsHalfwayLeavesNothingBehind() async throws {
        // The relay goes to frontNode first; backNode cannot make the echo (its registry
        // knows neither the class nor the signature), so the deployment fails after the relay
        // was made.
        let coordinator = Node(name: "coordinator", registry: RemoteWorld.registry, transports: transports, options: RemoteWorld.fastOptions)
        let front = Node(name: "frontNode", registry: RemoteWorld.registry, transports: transports, options: RemoteWorld.fastOptions)
        let back = Node(name: "bareNode", registry: Registry(), transports: transports, options: RemoteWorld.fastOptions)
        try await front.listen(at: NodeAddress(parsing: "mem://frontNode"))
        try await back.listen(at: NodeAddress(parsing: "mem://bareNode"))
        let frontPeer = try await coordinator.connect(to: NodeAddress(parsing: "mem://frontNode"))
        let backPeer = try await coordinator.connect(to: NodeAddress(parsing: "mem://bareNode"))
        do {
            _ = try await Deployer(coordinator: coordinator).deploy(try plan(), nodes: ["front": frontPeer, "back": backPeer])
            Issue.record("the deployment succeeded on a node that cannot make its echo")
        } catch {
            #expect("\(error)".contains("remote.Echo"), "\(error)")
        }
        #expect(front.hostedPaths(under: "/Chain").isEmpty, "the relay made on frontNode was removed")
        #expect(coordinator.hostedPaths(under: "/Chain").isEmpty)
        #expect(back.hostedPaths(under: "/Chain").isEmpty)
        // The same architecture deploys afterwards where it can: nothing of the failed one is in the way.
        let retried = try await Deployer(coordinator: coordinator).deploy(try plan(), nodes: ["front": frontPeer, "back": frontPeer])
        try await retried.start()
        #expect(try await retried.top.interface(named: "e").callable(as: (any Echo).self).echo(5) == 5)
        try await retried.stop()
        await coordinator.shutdown()
        await front.shutdown()
        await back.shutdown()
    }

    @Test func aVirtualNodeWithoutANodeRunsInTheCoordinator() async throws {
        try await TestCluster.withNodes(["frontOnly"], registry: RemoteWorld.registry, options: RemoteWorld.fastOptions) { cluster in
            let chain = try await cluster.deploy(adl: Self.chain, placement: ["front": "frontOnly"])
            #expect(try cluster.placement(of: chain) == ["relay": "frontOnly", "echo": "coordinator"])
            #expect(try await chain.interface(named: "e").callable(as: (any Echo).self).echo(11) == 11)
        }
    }

    @Test func losingTheNodeOfACalleeFailsTheCallerWithNodeLost() async throws {
        let (coordinator, peers, started) = try await nodes(["stable", "doomed"])
        let deployed = try await Deployer(coordinator: coordinator).deploy(
            try plan(), nodes: ["front": peers["stable"]!, "back": peers["doomed"]!])
        try await deployed.start()
        let entry = try deployed.top.interface(named: "e").callable(as: (any Echo).self)
        let pending = Task { try await entry.slow(5_000) }
        try await Task.sleep(for: .milliseconds(150))
        // The machine goes dark: both its connections (to the coordinator, and to the stable node
        // that calls it directly) fall silent.
        (peers["doomed"]!.connection as! MemoryConnection).sever()
        (try #require(started[0].peer(named: "doomed")).connection as! MemoryConnection).sever()
        do {
            _ = try await pending.value
            Issue.record("the call returned although the node of its callee was lost")
        } catch let error as FractalError {
            // The loss reaches the caller through two hops: the coordinator's link to the lost
            // node, then the reply to the relay's node.
            #expect(error.kind == .remoteFailure, "\(error)")
            // Raised by the relay's node (stable), in its component, naming the node it lost.
            #expect(error.node == "stable" && error.component == "/relay" && error.interface == "e", "\(error)")
            #expect(error.message.contains("node doomed: no heartbeat for") && error.message.hasSuffix("the node is lost"), "\(error)")
        } catch {
            Issue.record("the caller should fail with a FractalError naming the lost node, not \(type(of: error)): \(error)")
        }
        await coordinator.shutdown()
        for node in started { await node.shutdown() }
    }

    @Test func aLostNodeThatComesBackIsReconnectedAndExistingBindingsWorkAgain() async throws {
        // The node takes longer than the coordinator to give up on the silent connection, and
        // refuses a second one from the same coordinator until then: the first call after the
        // loss surely finds no connection.
        var patient = RemoteWorld.fastOptions
        patient.lossTimeout = .seconds(4)
        let (coordinator, peers, started) = try await nodes(["returning"], reconnecting: true, nodeOptions: patient)
        let deployed = try await Deployer(coordinator: coordinator).deploy(try plan(), nodes: ["back": peers["returning"]!])
        #expect(deployed.placement == ["relay": "coordinator", "echo": "returning"])
        try await deployed.start()
        let entry = try deployed.top.interface(named: "e").callable(as: (any Echo).self)
        #expect(try await entry.echo(1) == 1)

        (peers["returning"]!.connection as! MemoryConnection).sever()
        await peers["returning"]!.closed()
        do {
            _ = try await entry.echo(2)
            Issue.record("a call to a node that is not connected returned")
        } catch let error as RemoteError {
            #expect(error.kind == .nodeLost, "\(error)")
        }

        // The coordinator dials again; the node (still running, with its components) answers.
        let clock = ContinuousClock()
        let giveUp = clock.now + .seconds(20)
        while coordinator.peer(named: "returning") == nil && clock.now < giveUp {
            try await Task.sleep(for: .milliseconds(50))
        }
        let back = try #require(coordinator.peer(named: "returning"))
        #expect(back !== peers["returning"]!)
        #expect(try await entry.echo(3) == 3)
        try await deployed.stop()
        await deployed.remove()
        await coordinator.shutdown()
        for node in started { await node.shutdown() }
    }

    /// A node that dials out has no address another node could use: calls to it from other
    /// nodes go through the coordinator.
    @Test func callsToANodeThatOnlyDialsOutGoThroughTheCoordinator() async throws {
        let coordinator = Node(name: "switchboard", registry: RemoteWorld.registry, transports: transports, options: RemoteWorld.fastOptions)
        try await coordinator.listen(at: NodeAddress(parsing: "mem://switchboard"))
        let front = Node(name: "openFront", registry: RemoteWorld.registry, transports: transports, options: RemoteWorld.fastOptions)
        try await front.listen(at: NodeAddress(parsing: "mem://openFront"))
        let frontPeer = try await coordinator.connect(to: NodeAddress(parsing: "mem://openFront"))
        let hidden = Node(name: "hiddenBack", registry: RemoteWorld.registry, transports: transports, options: RemoteWorld.fastOptions)
        _ = try await hidden.connect(to: NodeAddress(parsing: "mem://switchboard"))
        let backPeer = try await coordinator.waitForPeer(named: "hiddenBack", timeout: .seconds(5))
        #expect(coordinator.address(of: "hiddenBack") == nil)

        let deployed = try await Deployer(coordinator: coordinator).deploy(try plan(), nodes: ["front": frontPeer, "back": backPeer])
        try await deployed.start()
        #expect(try await deployed.top.interface(named: "e").callable(as: (any Echo).self).echo(5) == 5)
        #expect(front.peerNames == ["switchboard"])
        try await deployed.stop()
        await deployed.remove()
        for node in [coordinator, front, hidden] { await node.shutdown() }
    }
}
