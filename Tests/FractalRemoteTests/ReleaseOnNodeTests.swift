import Fractal
import FractalADL
@testable import FractalRemote
import Foundation
import Testing

/// What a node forgets, it frees: bindings in a cycle do not keep removed components alive.
@Suite struct ReleaseOnNodeTests {
    /// Two relays bound to each other (a ring of two), and one bound to itself through the
    /// composite's export: every kind of cycle a binding can make.
    static let ring = """
    <definition name="Ring">
      <interface name="e" role="server" signature="remote.Echo"/>
      <component name="a">
        <interface name="e" role="server" signature="remote.Echo"/>
        <interface name="target" role="client" signature="remote.Echo"/>
        <content class="remote.Relay"/>
      </component>
      <component name="b">
        <interface name="e" role="server" signature="remote.Echo"/>
        <interface name="target" role="client" signature="remote.Echo"/>
        <content class="remote.Relay"/>
      </component>
      <component name="loop">
        <interface name="e" role="server" signature="remote.Echo"/>
        <interface name="target" role="client" signature="remote.Echo"/>
        <content class="remote.Relay"/>
      </component>
      <binding client="this.e" server="a.e"/>
      <binding client="a.target" server="b.e"/>
      <binding client="b.target" server="a.e"/>
      <binding client="loop.target" server="loop.e"/>
    </definition>
    """

    static func plan() throws -> ComponentPlan {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ring-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try ring.write(to: folder.appendingPathComponent("Ring.fractal"), atomically: true, encoding: .utf8)
        return try ADL.resolve("Ring", searchPath: [folder.path], registry: RemoteWorld.registry)
    }

    @Test func aThousandDeploymentsWithCyclicBindingsLeaveNothingAliveOnTheNode() async throws {
        let transports = TransportRegistry([MemoryTransport()])
        let server = Node(name: "ringHost", registry: RemoteWorld.registry, transports: transports, options: RemoteWorld.fastOptions)
        try await server.listen(at: NodeAddress(parsing: "mem://ringHost"))
        let coordinator = Node(name: "ringOwner", registry: RemoteWorld.registry, transports: transports, options: RemoteWorld.fastOptions)
        let peer = try await coordinator.connect(to: NodeAddress(parsing: "mem://ringHost"))
        let control = try coordinator.control(of: peer)
        let plan = try Self.plan()
        var alive = 0
        for round in 0..<1_000 {
            let path = "/ring\(round)"
            _ = try await control.instantiate(plan, path: path)
            weak var top: Component?
            weak var member: Component?
            do {
                let hosted = try server.hosted(path)
                top = hosted
                member = try hosted.contentController.subComponents.first { $0.name == "a" }
            }
            if round == 0 {
                try await control.start(path)
                // The ring really is made of bindings: a's target is b.
                #expect(try server.hosted(path + "/a").bindingController.lookup("target")?.owner.name == "b")
            }
            try await control.remove(path)
            if top != nil || member != nil { alive += 1 }
        }
        #expect(alive == 0, "\(alive) of 1000 removed deployments are still alive")
        #expect((0..<1_000).allSatisfy { server.hostedPaths(under: "/ring\($0)").isEmpty })
        await coordinator.shutdown()
        await server.shutdown()
    }
}
