@testable import Fractal
import Testing

// MARK: - Helpers (prefixed `Gathercast` so they don't clash with other test files)

enum GathercastWorld {
    static func serverType() -> InterfaceType {
        InterfaceType(name: "g", signature: GatherProxy.self, role: .server, cardinality: .gathercast)
    }

    static func clientType() -> InterfaceType {
        InterfaceType(name: "g", signature: GatherProxy.self, role: .client)
    }

    /// A Summer serving the gathercast interface `g`, not started.
    static func summer(_ name: String, timeout: Duration = .seconds(5)) throws -> (Component, Summer) {
        let content = Summer()
        let component = try Component.primitive(
            name, type: ComponentType([serverType()]), content: content,
            controller: ControllerDescription(.primitive, gathercastTimeout: timeout))
        return (component, content)
    }

    /// GatherClients named `names`, bound to `server`'s `g` in that order.
    static func clients(_ names: [String], boundTo server: Component) throws -> [(Component, GatherClient)] {
        try names.map { name in
            let content = GatherClient()
            let component = try Component.primitive(name, type: ComponentType([clientType()]), content: content)
            try component.bindingController.bind("g", to: server.interface(named: "g"))
            return (component, content)
        }
    }

    static func startAll(_ components: [Component]) async throws {
        for component in components { try await component.lifeCycleController.start() }
    }
}

// MARK: - Tests

@Suite struct GathercastTests {
    @Test func gathercastWaitsForEveryBoundClientThenEachGetsTheResult() async throws {
        let (server, summer) = try GathercastWorld.summer("summer")
        let clients = try GathercastWorld.clients(["gatherer1", "gatherer2"], boundTo: server)
        try await GathercastWorld.startAll([server] + clients.map(\.0))
        let first = clients[0].1, second = clients[1].1

        async let one = first.g().sum(1)
        async let two = second.g().sum(2)
        let (a, b) = try await (one, two)

        #expect(a == 3)
        #expect(b == 3)
        #expect(summer.rounds.withLock { $0 }.count == 1)
    }

    @Test func threeClientsAreGatheredIntoOneRound() async throws {
        let (server, summer) = try GathercastWorld.summer("threeSummer")
        let clients = try GathercastWorld.clients(["three1", "three2", "three3"], boundTo: server)
        try await GathercastWorld.startAll([server] + clients.map(\.0))

        let results = try await withThrowingTaskGroup(of: Int.self) { group in
            for (index, client) in clients.enumerated() {
                let content = client.1
                group.addTask { try await content.g().sum(1 << index) }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }

        #expect(results == [7, 7, 7])
        #expect(summer.rounds.withLock { $0 } == [["/three1#g", "/three2#g", "/three3#g"]])
    }

    @Test func callsAreHandedOverInBindOrder() async throws {
        let (server, summer) = try GathercastWorld.summer("orderSummer")
        // Bound in the order b, a, c; called in the order a, c, b.
        let clients = try GathercastWorld.clients(["orderB", "orderA", "orderC"], boundTo: server)
        try await GathercastWorld.startAll([server] + clients.map(\.0))
        let b = clients[0].1, a = clients[1].1, c = clients[2].1

        async let fromA = a.g().sum(10)
        async let fromC = c.g().sum(20)
        async let fromB = b.g().sum(30)
        let results = try await [fromA, fromC, fromB]

        #expect(results == [60, 60, 60])
        #expect(summer.rounds.withLock { $0 } == [["/orderB#g", "/orderA#g", "/orderC#g"]])
    }

    @Test func eachClientGetsItsOwnResult() async throws {
        let content = OthersSummer()
        let server = try Component.primitive(
            "othersSummer", type: ComponentType([GathercastWorld.serverType()]), content: content,
            controller: ControllerDescription(.primitive, gathercastTimeout: .seconds(5)))
        let clients = try GathercastWorld.clients(["others1", "others2", "others3"], boundTo: server)
        try await GathercastWorld.startAll([server] + clients.map(\.0))
        // Called in another order than bound; each value distinct.
        async let third = clients[2].1.g().sum(400)
        async let first = clients[0].1.g().sum(1)
        async let second = clients[1].1.g().sum(20)
        let (one, two, three) = try await (first, second, third)
        #expect([one, two, three] == [420, 401, 21])
    }

    @Test func successiveRoundsAreGatheredSeparately() async throws {
        let (server, summer) = try GathercastWorld.summer("roundsSummer")
        let clients = try GathercastWorld.clients(["rounds1", "rounds2"], boundTo: server)
        try await GathercastWorld.startAll([server] + clients.map(\.0))
        let first = clients[0].1, second = clients[1].1

        for round in 1...3 {
            async let one = first.g().sum(round)
            async let two = second.g().sum(100 * round)
            let (a, b) = try await (one, two)
            #expect(a == 101 * round)
            #expect(b == 101 * round)
        }
        #expect(summer.rounds.withLock { $0 }.count == 3)
    }

    @Test func timeoutWhenOneClientDoesNotCallIsGathercastTimeout() async throws {
        let (server, summer) = try GathercastWorld.summer("timeoutSummer", timeout: .milliseconds(150))
        let clients = try GathercastWorld.clients(["caller", "silent"], boundTo: server)
        try await GathercastWorld.startAll([server] + clients.map(\.0))
        let caller = clients[0].1

        await expectFractalError(.gathercastTimeout, naming: ["/timeoutSummer", "g"]) {
            _ = try await caller.g().sum(1)
        }
        #expect(summer.rounds.withLock { $0 }.isEmpty)
    }

    @Test func unboundClientIsNoLongerWaitedFor() async throws {
        let (server, summer) = try GathercastWorld.summer("shrinkingSummer", timeout: .seconds(5))
        let clients = try GathercastWorld.clients(["staying", "leaving"], boundTo: server)
        try clients[1].0.bindingController.unbind("g")
        try await GathercastWorld.startAll([server, clients[0].0])

        #expect(try await clients[0].1.g().sum(5) == 5)
        #expect(summer.rounds.withLock { $0 } == [["/staying#g"]])
    }

    @Test func aClientRenamedAfterBindingIsStillTheMemberItsBindingMade() async throws {
        let (server, summer) = try GathercastWorld.summer("renameSummer", timeout: .seconds(5))
        let clients = try GathercastWorld.clients(["before1", "before2"], boundTo: server)
        clients[0].0.nameController.setName("after1")
        try await GathercastWorld.startAll([server] + clients.map(\.0))

        async let one = clients[0].1.g().sum(1)
        async let two = clients[1].1.g().sum(2)
        #expect(try await [one, two] == [3, 3])
        // The receiver is told the name the client had when it was bound.
        #expect(summer.rounds.withLock { $0 } == [["/before1#g", "/before2#g"]])
    }

    @Test func twoClientsOfOnePathAreTwoMembers() async throws {
        let (server, summer) = try GathercastWorld.summer("samePathSummer", timeout: .seconds(5))
        let clients = try GathercastWorld.clients(["twin", "twin"], boundTo: server)
        try await GathercastWorld.startAll([server] + clients.map(\.0))

        async let one = clients[0].1.g().sum(10)
        async let two = clients[1].1.g().sum(20)
        #expect(try await [one, two] == [30, 30])
        #expect(summer.rounds.withLock { $0 } == [["/twin#g", "/twin#g"]])
    }

    @Test func aCallNotMadeThroughABindingIsRefusedNamingTheInterface() async throws {
        let (server, _) = try GathercastWorld.summer("directSummer")
        try await server.lifeCycleController.start()
        let direct = try server.interface(named: "g").callable(as: (any Gather).self)
        await expectFractalError(.notBound, naming: ["/directSummer", "'g'", "through a binding"]) {
            _ = try await direct.sum(1)
        }
    }

    @Test func contentThatIsNotAGathercastReceiverIsRefusedAtInstantiation() throws {
        expectFractalError(.contentDoesNotImplement, naming: ["/notASummer", "g"]) {
            _ = try Component.primitive("notASummer", type: ComponentType([GathercastWorld.serverType()]), content: Inert())
        }
        // The same content with a plain (singleton) Gather server interface is refused too, for not implementing Gather.
        expectFractalError(.contentDoesNotImplement, naming: ["/notAGather", "g"]) {
            _ = try Component.primitive(
                "notAGather",
                type: ComponentType([InterfaceType(name: "g", signature: GatherProxy.self, role: .server)]),
                content: Inert())
        }
    }
}
