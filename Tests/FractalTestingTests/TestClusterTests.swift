import Fractal
import FractalRemote
import FractalTesting
import HelloWorldComponents
import Testing

@Suite struct TestClusterTests {
    // MARK: Calls across nodes

    @Test(arguments: Where.allCases)
    func aClientOnOneNodeCallsTheServerOnAnother(_ place: Where) async throws {
        try await TestCluster.withNodes(["n1", "n2"], mode: try place.mode(), registry: World.registry) { cluster in
            let app = try await cluster.deploy("DistributedHelloWorld", placement: World.distributed, searchPath: [World.adl])
            #expect(try cluster.placement(of: app) == ["client": "n1", "server": "n2"])
            #expect(try await cluster.hostedComponents() == ["n1": ["/DistributedHelloWorld/client"], "n2": ["/DistributedHelloWorld/server"]])
            let client = try #require(try await cluster.snapshot(of: app).subComponents.first { $0.name == "client" })
            #expect(client.state == .started)
            #expect(client.interfaces.first { $0.name == "s" }?.boundTo == ["n2:/DistributedHelloWorld/server#s"])

            try await app.interface(named: "r").callable(as: (any Runnable).self).run()
            if place == .processes {
                // The server printed on its own node's standard output; the client's printed nothing.
                try await cluster.node("n2").waitForOutput(containing: "->hello world")
                let clientOutput = try cluster.node("n1").output
                #expect(!clientOutput.contains { $0.contains("hello world") }, "\(clientOutput)")
            }
        }
    }

    @Test func adlTextDeploysWithVirtualNodesNamedAfterTheNodes() async throws {
        try await TestCluster.withNodes(["front", "back"], registry: World.registry) { cluster in
            let app = try await cluster.deploy(adl: """
            <definition name="Pair" extends="HelloWorld">
              <component name="client"><virtual-node name="front"/></component>
              <component name="server"><virtual-node name="back"/></component>
            </definition>
            """, searchPath: [World.adl], context: ["header": "pair: "])
            #expect(try cluster.placement(of: app) == ["client": "front", "server": "back"])
            try await app.interface(named: "r").callable(as: (any Runnable).self).run()
        }
    }

    /// Virtual nodes at any depth: a client inside a composite kept here, and a composite on
    /// one node whose server is on another; exports and bindings cross three nodes.
    static let nested = """
    <definition name="Nested">
      <interface name="r" role="server" signature="java.lang.Runnable"/>
      <component name="front">
        <interface name="r" role="server" signature="java.lang.Runnable"/>
        <component name="client" definition="helloworld.Client"><virtual-node name="clients"/></component>
        <component name="back">
          <interface name="s" role="server" signature="helloworld.Service"/>
          <component name="server" definition="helloworld.Server(header=>nested:)"><virtual-node name="deep"/></component>
          <binding client="this.s" server="server.s"/>
          <virtual-node name="servers"/>
        </component>
        <binding client="this.r" server="client.r"/>
        <binding client="client.s" server="back.s"/>
      </component>
      <binding client="this.r" server="front.r"/>
    </definition>
    """

    @Test(arguments: [Where.inMemory, .processes])
    func componentsNestedInCompositesGoToTheirOwnVirtualNodes(_ place: Where) async throws {
        try await TestCluster.withNodes(["n1", "n2", "n3"], mode: try place.mode(), registry: World.registry) { cluster in
            let app = try await cluster.deploy(adl: Self.nested, placement: ["clients": "n1", "servers": "n2", "deep": "n3"], searchPath: [World.adl])
            #expect(try cluster.placement(of: app) == ["front": cluster.coordinator.name, "front/client": "n1", "front/back": "n2", "front/back/server": "n3"])
            #expect(try await cluster.hostedComponents() == ["n1": ["/Nested/front/client"], "n2": ["/Nested/front/back"], "n3": ["/Nested/front/back/server"]])
            let snapshot = try await cluster.snapshot(of: app)
            let front = try #require(snapshot.subComponents.first { $0.name == "front" })
            #expect(front.subComponents.map(\.path).sorted() == ["/Nested/front/back", "/Nested/front/client"])
            let back = try #require(front.subComponents.first { $0.name == "back" })
            #expect(back.subComponents.map(\.path) == ["/Nested/front/back/server"])
            #expect(back.subComponents.first?.state == .started)

            try await app.interface(named: "r").callable(as: (any Runnable).self).run()
            if place == .processes {
                try await cluster.node("n3").waitForOutput(containing: "nested:hello world")
            }
        }
    }

    /// `front/printer` is `back/server` shared, and `back/server` is on a virtual node of its
    /// own: front's client reaches it on that node.
    static let sharedAcross = """
    <definition name="SharedAcross">
      <interface name="r" role="server" signature="java.lang.Runnable"/>
      <component name="front">
        <interface name="r" role="server" signature="java.lang.Runnable"/>
        <component name="client" definition="helloworld.Client"/>
        <component name="printer" definition="./back/server"/>
        <binding client="this.r" server="client.r"/>
        <binding client="client.s" server="printer.s"/>
      </component>
      <component name="back">
        <component name="server" definition="helloworld.Server(header=>shared:)">
          <virtual-node name="servers"/>
        </component>
      </component>
      <binding client="this.r" server="front.r"/>
    </definition>
    """

    @Test(arguments: [Where.inMemory, .processes])
    func aSharedComponentPlacedOnAnotherNodeIsReachedThere(_ place: Where) async throws {
        try await TestCluster.withNodes(["n1"], mode: try place.mode(), registry: World.registry) { cluster in
            let app = try await cluster.deploy(adl: Self.sharedAcross, placement: ["servers": "n1"], searchPath: [World.adl])
            #expect(try cluster.placement(of: app)["back/server"] == "n1")
            #expect(try await cluster.hostedComponents() == ["n1": ["/SharedAcross/back/server"]])
            let front = try #require(try app.contentController.subComponents.first { $0.name == "front" })
            let client = try #require(try front.contentController.subComponents.first { $0.name == "client" })
            #expect(try client.bindingController.lookupRemote("s").map(\.description) == ["n1:/SharedAcross/back/server#s"])
            try await app.interface(named: "r").callable(as: (any Runnable).self).run()
            if place == .processes {
                try await cluster.node("n1").waitForOutput(containing: "shared:hello world")
            }
        }
    }

    // MARK: Teardown

    @Test(arguments: Where.allCases)
    func theEndOfTheClosureLeavesNoNodeRunningAndNothingHosted(_ place: Where) async throws {
        let remains = try await TestCluster.withNodes(["n1", "n2"], mode: try place.mode(), registry: World.registry) { cluster in
            let app = try await cluster.deploy("DistributedHelloWorld", placement: World.distributed, searchPath: [World.adl])
            try await app.interface(named: "r").callable(as: (any Runnable).self).run()
            return Remains(cluster, tops: [app])
        }
        #expect(remains.addresses.count == 2)
        #expect(remains.processes.count == (place == .processes ? 2 : 0))
        try await remains.expectGone()
    }

    @Test(arguments: [Where.inMemory, .processes])
    func anErrorThrownInTheClosureStillTearsEverythingDown(_ place: Where) async throws {
        var remains: Remains?
        do {
            try await TestCluster.withNodes(["n1", "n2"], mode: try place.mode(), registry: World.registry) { cluster in
                let app = try await cluster.deploy("DistributedHelloWorld", placement: World.distributed, searchPath: [World.adl])
                remains = Remains(cluster, tops: [app])
                throw Boom()
            }
            Issue.record("withNodes returned although its closure threw")
        } catch is Boom {}
        try await #require(remains).expectGone()
    }

    @Test(arguments: [Where.inMemory, .processes])
    func aCancelledTestStillTearsEverythingDown(_ place: Where) async throws {
        let mode = try place.mode()
        let (ready, announce) = AsyncStream.makeStream(of: Remains.self)
        let test = Task {
            try await TestCluster.withNodes(["n1", "n2"], mode: mode, registry: World.registry) { cluster in
                let app = try await cluster.deploy("DistributedHelloWorld", placement: World.distributed, searchPath: [World.adl])
                announce.yield(Remains(cluster, tops: [app]))
                // Waits for the cancellation: a stream that never yields ends when its task is cancelled.
                let (never, keep) = AsyncStream.makeStream(of: Int.self)
                for await _ in never {}
                keep.finish()
                try Task.checkCancellation()
            }
        }
        var announced = ready.makeAsyncIterator()
        let remains = try #require(await announced.next())
        test.cancel()
        await #expect(throws: CancellationError.self) { try await test.value }
        try await remains.expectGone()
    }

    @Test func undeployingRemovesTheComponentsFromTheNodesAndFreesTheName() async throws {
        try await TestCluster.withNodes(["n1", "n2"], registry: World.registry) { cluster in
            let first = try await cluster.deploy("DistributedHelloWorld", placement: World.distributed, searchPath: [World.adl])
            let twice = await #expect(throws: TestClusterError.self) {
                try await cluster.deploy("DistributedHelloWorld", placement: World.distributed, searchPath: [World.adl])
            }
            #expect(twice?.kind == .alreadyDeployed)
            try await cluster.undeploy(first)
            #expect(try await cluster.hostedComponents() == ["n1": [], "n2": []])
            #expect(first.lifeCycleController.state == .stopped)
            let again = await #expect(throws: TestClusterError.self) { try await cluster.undeploy(first) }
            #expect(again?.kind == .notDeployed)

            let second = try await cluster.deploy("DistributedHelloWorld", placement: ["clients": "n1", "servers": "n1"], searchPath: [World.adl])
            #expect(try cluster.placement(of: second) == ["client": "n1", "server": "n1"])
            try await second.interface(named: "r").callable(as: (any Runnable).self).run()
        }
    }

    // MARK: Losing nodes

    @Test(arguments: Where.allCases)
    func aCrashedNodeFailsTheNextCallWithNodeLost(_ place: Where) async throws {
        try await TestCluster.withNodes(["n1", "n2"], mode: try place.mode(), registry: World.registry) { cluster in
            let app = try await cluster.deploy(adl: World.crossNode, placement: World.distributed, searchPath: [World.adl])
            let server = try app.interface(named: "s").callable(as: (any Service).self)
            try await server.print("before the loss")

            try await cluster.lose("n2")
            let why = try await cluster.waitUntilLost("n2")
            #expect(why.kind == .connectionClosed, "\(why)")
            // From the coordinator straight to the lost node.
            let direct = await #expect(throws: RemoteError.self) { try await server.print("after the loss") }
            #expect(direct?.kind == .nodeLost, "\(String(describing: direct))")
            #expect(direct?.node == "n2")
            // Through the client on n1, which reaches n2 no more: a remote failure naming it.
            let relayed = await #expect(throws: FractalError.self) {
                try await app.interface(named: "r").callable(as: (any Runnable).self).run()
            }
            #expect(relayed?.kind == .remoteFailure, "\(String(describing: relayed))")
            #expect(relayed.map { "\($0)".contains("n2") } == true, "\(String(describing: relayed))")
            #expect(try await cluster.hostedComponents() == ["n1": ["/CrossNode/client"]])
        }
    }

    @Test(arguments: [Where.inMemory, .processes])
    func aSilentNodeIsDeclaredLostByHeartbeats(_ place: Where) async throws {
        var quickLoss = PeerOptions()
        // Short enough to wait for, long enough not to lose a node that only waited behind other tests.
        quickLoss.lossTimeout = .seconds(8)
        try await TestCluster.withNodes(["n1", "n2"], mode: try place.mode(), registry: World.registry, options: quickLoss) { cluster in
            let app = try await cluster.deploy(adl: World.crossNode, placement: World.distributed, searchPath: [World.adl])
            let server = try app.interface(named: "s").callable(as: (any Service).self)
            try await server.print("before the silence")

            try await cluster.lose("n2", how: .silence)
            let why = try await cluster.waitUntilLost("n2")
            #expect(why.kind == .nodeLost, "\(why)")
            let after = await #expect(throws: RemoteError.self) { try await server.print("after the silence") }
            #expect(after?.kind == .nodeLost, "\(String(describing: after))")
        }
    }

    // MARK: Refusals

    @Test func aPlacementOnNoNodeOfTheClusterIsRefusedAndLeavesNothing() async throws {
        try await TestCluster.withNodes(["n1", "n2"], registry: World.registry) { cluster in
            let elsewhere = await #expect(throws: TestClusterError.self) {
                try await cluster.deploy("DistributedHelloWorld", placement: ["clients": "n1", "servers": "n3"], searchPath: [World.adl])
            }
            #expect(elsewhere?.kind == .unknownNode)
            #expect(elsewhere?.node == "n3")
            let typo = await #expect(throws: TestClusterError.self) {
                try await cluster.deploy("DistributedHelloWorld", placement: ["client": "n1"], searchPath: [World.adl])
            }
            #expect(typo?.kind == .badPlacement)
            #expect(typo?.message.contains("(they use: clients, servers)") == true, "\(String(describing: typo))")
            let hosted = try await cluster.hostedComponents()
            #expect(hosted == ["n1": [], "n2": []])
        }
    }

    @Test func aPlacementOnALostNodeIsRefused() async throws {
        try await TestCluster.withNodes(["n1", "n2"], registry: World.registry) { cluster in
            try await cluster.lose("n2")
            let refused = await #expect(throws: TestClusterError.self) {
                try await cluster.deploy("DistributedHelloWorld", placement: World.distributed, searchPath: [World.adl])
            }
            #expect(refused?.kind == .nodeLost)
            #expect(refused?.node == "n2")
            #expect(try await cluster.hostedComponents() == ["n1": []])
        }
    }

    @Test func badNodeNamesAndAMissingNodeCommandAreRefusedBeforeAnythingStarts() async throws {
        for names in [[], ["n1", "n1"], ["coordinator"]] {
            let refused = await #expect(throws: TestClusterError.self) {
                try await TestCluster.withNodes(names, registry: World.registry) { _ in }
            }
            #expect(refused?.kind == .badNodeNames, "\(names)")
        }
        let missing = await #expect(throws: TestClusterError.self) {
            try await TestCluster.withNodes(["n1"], mode: .processes(nodeCommand: ["/nonexistent/fractal", "node"]), registry: World.registry) { _ in }
        }
        #expect(missing?.kind == .nodeCommandMissing)
    }

    @Test func aClusterUsedAfterItsClosureSaysSo() async throws {
        let escaped = try await TestCluster.withNodes(["n1"], registry: World.registry) { $0 }
        let late = await #expect(throws: TestClusterError.self) {
            try await escaped.deploy("DistributedHelloWorld", placement: ["clients": "n1"], searchPath: [World.adl])
        }
        #expect(late?.kind == .ended)
    }

    @Test func aNodeInThisProcessHasNoOutputOfItsOwn() async throws {
        try await TestCluster.withNodes(["n1"], registry: World.registry) { cluster in
            let refused = await #expect(throws: TestClusterError.self) { try await cluster.node("n1").waitForOutput(containing: "hello") }
            #expect(refused?.kind == .noOutput)
            let unknown = #expect(throws: TestClusterError.self) { try cluster.node("n9") }
            #expect(unknown?.message.contains("its nodes are n1") == true)
        }
    }
}
