import Fractal
import FractalADL
@testable import FractalRemote
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

    func nodes(_ names: [String]) async throws -> (Node, [String: Peer], [Node]) {
        var started: [Node] = []
        var peers: [String: Peer] = [:]
        let coordinator = Node(name: "coordinator", registry: RemoteWorld.registry, transports: transports, options: RemoteWorld.fastOptions)
        for name in names {
            let node = Node(name: name, registry: RemoteWorld.registry, transports: transports, options: RemoteWorld.fastOptions)
            try await node.listen(at: NodeAddress(parsing: "mem://\(name)"))
            peers[name] = try await coordinator.connect(to: NodeAddress(parsing: "mem://\(name)"))
            started.append(node)
        }
        return (coordinator, peers, started)
    }

    @Test func subComponentsRunOnTheirVirtualNodesAndCallAcrossThem() async throws {
        let (coordinator, peers, started) = try await nodes(["frontNode", "backNode"])
        let deployed = try await Deployer(coordinator: coordinator).deploy(
            try plan(), nodes: ["front": peers["frontNode"]!, "back": peers["backNode"]!])
        #expect(deployed.placement == ["relay": "frontNode", "echo": "backNode"])
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

    @Test func aVirtualNodeWithoutANodeRunsInTheCoordinator() async throws {
        let (coordinator, peers, started) = try await nodes(["frontOnly"])
        let deployed = try await Deployer(coordinator: coordinator).deploy(try plan(), nodes: ["front": peers["frontOnly"]!])
        #expect(deployed.placement == ["relay": "frontOnly", "echo": "coordinator"])
        try await deployed.start()
        #expect(try await deployed.top.interface(named: "e").callable(as: (any Echo).self).echo(11) == 11)
        try await deployed.stop()
        await deployed.remove()
        await coordinator.shutdown()
        for node in started { await node.shutdown() }
    }

    @Test func losingTheNodeOfACalleeFailsTheCallerWithNodeLost() async throws {
        let (coordinator, peers, started) = try await nodes(["stable", "doomed"])
        let deployed = try await Deployer(coordinator: coordinator).deploy(
            try plan(), nodes: ["front": peers["stable"]!, "back": peers["doomed"]!])
        try await deployed.start()
        let entry = try deployed.top.interface(named: "e").callable(as: (any Echo).self)
        let pending = Task { try await entry.slow(5_000) }
        try await Task.sleep(for: .milliseconds(150))
        (peers["doomed"]!.connection as! MemoryConnection).sever()
        do {
            _ = try await pending.value
            Issue.record("the call returned although the node of its callee was lost")
        } catch {
            // The loss reaches the caller through two hops: the coordinator's link to the lost
            // node, then the reply to the relay's node.
            #expect("\(error)".contains("doomed"), "\(error)")
        }
        await coordinator.shutdown()
        for node in started { await node.shutdown() }
    }
}

