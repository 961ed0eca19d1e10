@testable import Fractal
import Synchronization
import Testing

// MARK: - Helpers (prefixed `Multicast` so they don't clash with other test files)

struct MulticastNodeError: Error, Equatable {
    var tag: Int
}

/// A Service server that says who it is: `echo(v)` returns `tag * 1000 + v`, and it records
/// every value it received (and, once done, every value it finished).
final class MulticastNode: Service {
    let tag: Int
    let failing: Bool
    let delay: Duration
    private let log = Mutex<(received: [Int], finished: [Int])>(([], []))

    init(tag: Int, failing: Bool = false, delay: Duration = .zero) {
        self.tag = tag
        self.failing = failing
        self.delay = delay
    }

    var received: [Int] { log.withLock { $0.received } }
    var finished: [Int] { log.withLock { $0.finished } }

    func print(_ message: String) async throws {}

    func echo(_ value: Int) async throws -> Int {
        log.withLock { $0.received.append(value) }
        if delay > .zero { try await Task.sleep(for: delay) }
        defer { log.withLock { $0.finished.append(value) } }
        if failing { throw MulticastNodeError(tag: tag) }
        return tag * 1000 + value
    }
}

/// Records the server counts a custom policy was asked about.
final class MulticastPolicyProbe: Sendable {
    private let seen = Mutex<[Int]>([])
    func record(_ count: Int) { seen.withLock { $0.append(count) } }
    var counts: [Int] { seen.withLock { $0 } }
}

enum MulticastWorld {
    /// A FanClient component whose only interface is the multicast client interface `cast`.
    static func fan(_ name: String = "fan") throws -> (Component, FanClient) {
        let content = FanClient()
        let type = try ComponentType([World.clientType("cast", cardinality: .multicast)])
        return (try Component.primitive(name, type: type, content: content), content)
    }

    /// A FanClient component with the collection client interface `many`.
    static func collectionFan(_ name: String) throws -> (Component, FanClient) {
        let content = FanClient()
        let type = try ComponentType([World.clientType("many", cardinality: .collection)])
        return (try Component.primitive(name, type: type, content: content), content)
    }

    /// Started servers named `<prefix><tag>` serving `s`, one per node.
    static func nodes(_ prefix: String, _ nodes: [MulticastNode]) async throws -> [Component] {
        var components: [Component] = []
        for node in nodes {
            let component = try Component.primitive(
                "\(prefix)\(node.tag)", type: ComponentType([World.serverType("s")]), content: node)
            try await component.lifeCycleController.start()
            components.append(component)
        }
        return components
    }

    /// Binds `cast` of `fan` to each server's `s`, in order.
    static func bind(_ fan: Component, to servers: [Component]) throws {
        for server in servers { try fan.bindingController.bind("cast", to: server.interface(named: "s")) }
    }
}

// MARK: - Tests

@Suite struct MulticastTests {
    @Test func bindingAgainAddsAServer() async throws {
        let (fan, content) = try MulticastWorld.fan("addingFan")
        let servers = try await MulticastWorld.nodes("addNode", [MulticastNode(tag: 1), MulticastNode(tag: 2), MulticastNode(tag: 3)])
        defer { withExtendedLifetime((fan, servers)) {} }

        try fan.bindingController.bind("cast", to: servers[0].interface(named: "s"))
        #expect(content.cast.count == 1)
        try fan.bindingController.bind("cast", to: servers[1].interface(named: "s"))
        try fan.bindingController.bind("cast", to: servers[2].interface(named: "s"))

        #expect(content.cast.count == 3)
        #expect(try fan.bindingController.lookupAll("cast").map(\.owner.name) == ["addNode1", "addNode2", "addNode3"])
        #expect(try fan.bindingController.lookup("cast")?.owner === servers[0])
    }

    @Test func bindingTheSameServerTwiceIsAlreadyBound() async throws {
        let (fan, content) = try MulticastWorld.fan("twiceFan")
        let servers = try await MulticastWorld.nodes("twiceNode", [MulticastNode(tag: 1)])
        defer { withExtendedLifetime((fan, servers)) {} }
        try fan.bindingController.bind("cast", to: servers[0].interface(named: "s"))

        expectFractalError(.alreadyBound, naming: ["/twiceFan", "cast"]) {
            try fan.bindingController.bind("cast", to: servers[0].interface(named: "s"))
        }
        #expect(content.cast.count == 1)
        #expect(try fan.bindingController.lookupAll("cast").count == 1)
    }

    @Test func broadcastCallsEveryServerAndReturnsResultsInBindOrder() async throws {
        let (fan, content) = try MulticastWorld.fan("broadcastFan")
        let nodes = [MulticastNode(tag: 3), MulticastNode(tag: 1), MulticastNode(tag: 2)]
        let servers = try await MulticastWorld.nodes("broadcastNode", nodes)
        defer { withExtendedLifetime((fan, servers)) {} }
        try MulticastWorld.bind(fan, to: servers)
        try await fan.lifeCycleController.start()

        let results = try await content.cast.invoke(.broadcast) { try await $0.echo(7) }

        #expect(results == [3007, 1007, 2007])
        for node in nodes { #expect(node.received == [7]) }
    }

    @Test func roundRobinRotatesThroughTheServers() async throws {
        let (fan, content) = try MulticastWorld.fan("roundRobinFan")
        let nodes = [MulticastNode(tag: 1), MulticastNode(tag: 2), MulticastNode(tag: 3)]
        let servers = try await MulticastWorld.nodes("roundRobinNode", nodes)
        defer { withExtendedLifetime((fan, servers)) {} }
        try MulticastWorld.bind(fan, to: servers)

        var tags: [Int] = []
        for call in 0..<9 {
            let results = try await content.cast.invoke(.roundRobin) { try await $0.echo(call) }
            #expect(results.count == 1)
            tags.append(results[0] / 1000)
        }

        for (previous, next) in zip(tags, tags.dropFirst()) {
            #expect(next == previous % 3 + 1, "round robin went from \(previous) to \(next): \(tags)")
        }
        for node in nodes { #expect(node.received.count == 3) }
    }

    @Test func byKeySendsTheSameKeyToTheSameServerAndSpreadsKeys() async throws {
        let (fan, content) = try MulticastWorld.fan("byKeyFan")
        let nodes = [MulticastNode(tag: 1), MulticastNode(tag: 2), MulticastNode(tag: 3)]
        let servers = try await MulticastWorld.nodes("byKeyNode", nodes)
        defer { withExtendedLifetime((fan, servers)) {} }
        try MulticastWorld.bind(fan, to: servers)

        var serverOfKey: [String: Int] = [:]
        for index in 0..<30 {
            let key = "customer-\(index)"
            var tags: Set<Int> = []
            for _ in 0..<4 {
                let results = try await content.cast.invoke(.byKey(key)) { try await $0.echo(0) }
                #expect(results.count == 1)
                tags.insert(results[0] / 1000)
            }
            #expect(tags.count == 1, "key \(key) went to servers \(tags)")
            serverOfKey[key] = tags.first
        }

        #expect(Set(serverOfKey.values).count > 1, "30 keys all went to one server")
        #expect(nodes.map(\.received.count).reduce(0, +) == 120)
    }

    @Test func byKeyWithReplicasSendsTheKeyToTheHeadOfItsPreferenceList() async throws {
        let (fan, content) = try MulticastWorld.fan("replicaFan")
        let nodes = (1...4).map { MulticastNode(tag: $0) }
        let servers = try await MulticastWorld.nodes("replicaNode", nodes)
        defer { withExtendedLifetime((fan, servers)) {} }
        try MulticastWorld.bind(fan, to: servers)

        for index in 0..<20 {
            let key = "run/blade-\(index)/0"
            let preference = content.cast.preferenceList(forKey: key)
            #expect(preference.count == 4 && Set(preference.map(\.name)).count == 4)
            #expect(Set(preference.map(\.name)) == Set(content.cast.serverNames))
            let expected = try await preference.prefix(2).asyncMap { try await $0.server.echo(0) / 1000 }
            let results = try await content.cast.invoke(.byKey(key, replicas: 2)) { try await $0.echo(0) }
            #expect(Set(results.map { $0 / 1000 }) == Set(expected))
            // The single-server choice is the first of the list.
            let single = try await content.cast.invoke(.byKey(key)) { try await $0.echo(0) }
            #expect(single.map { $0 / 1000 } == [expected[0]])
        }
    }

    @Test func aWeightOfZeroPutsAServerLastInEveryList() async throws {
        let (fan, content) = try MulticastWorld.fan("weightFan")
        let servers = try await MulticastWorld.nodes("weightNode", (1...3).map { MulticastNode(tag: $0) })
        defer { withExtendedLifetime((fan, servers)) {} }
        try MulticastWorld.bind(fan, to: servers)
        let drained = content.cast.serverNames[1]
        for index in 0..<50 {
            #expect(content.cast.preferenceList(forKey: "k\(index)", weights: [drained: 0]).last?.name == drained)
        }
    }

    @Test func scatterSendsItemIToServerI() async throws {
        let (fan, content) = try MulticastWorld.fan("scatterFan")
        let nodes = [MulticastNode(tag: 1), MulticastNode(tag: 2), MulticastNode(tag: 3)]
        let servers = try await MulticastWorld.nodes("scatterNode", nodes)
        defer { withExtendedLifetime((fan, servers)) {} }
        try MulticastWorld.bind(fan, to: servers)

        let results = try await content.cast.scatter([10, 20, 30]) { server, item in try await server.echo(item) }

        #expect(results == [1010, 2020, 3030])
        #expect(nodes.map(\.received) == [[10], [20], [30]])
    }

    @Test func scatterWithACountMismatchIsMulticastDispatchFailed() async throws {
        let (fan, content) = try MulticastWorld.fan("mismatchFan")
        let nodes = [MulticastNode(tag: 1), MulticastNode(tag: 2)]
        let servers = try await MulticastWorld.nodes("mismatchNode", nodes)
        defer { withExtendedLifetime((fan, servers)) {} }
        try MulticastWorld.bind(fan, to: servers)

        await expectFractalError(.multicastDispatchFailed, naming: ["/mismatchFan", "cast"]) {
            _ = try await content.cast.scatter([1, 2, 3]) { server, item in try await server.echo(item) }
        }
        await expectFractalError(.multicastDispatchFailed, naming: ["/mismatchFan", "cast"]) {
            _ = try await content.cast.scatter([1]) { server, item in try await server.echo(item) }
        }
        #expect(nodes.allSatisfy { $0.received.isEmpty })
    }

    @Test func customPolicyCallsTheServersItChooses() async throws {
        let (fan, content) = try MulticastWorld.fan("customFan")
        let nodes = [MulticastNode(tag: 1), MulticastNode(tag: 2), MulticastNode(tag: 3)]
        let servers = try await MulticastWorld.nodes("customNode", nodes)
        defer { withExtendedLifetime((fan, servers)) {} }
        try MulticastWorld.bind(fan, to: servers)
        let probe = MulticastPolicyProbe()

        let results = try await content.cast.invoke(.custom { count in
            probe.record(count)
            return [0, count - 1]
        }) { try await $0.echo(5) }

        #expect(probe.counts == [3])
        #expect(Set(results) == [1005, 3005])
        #expect(results.count == 2)
        #expect(nodes.map(\.received) == [[5], [], [5]])
    }

    @Test func customPolicyChoosingAnUnknownServerIsMulticastDispatchFailed() async throws {
        let (fan, content) = try MulticastWorld.fan("badCustomFan")
        let nodes = [MulticastNode(tag: 1), MulticastNode(tag: 2)]
        let servers = try await MulticastWorld.nodes("badCustomNode", nodes)
        defer { withExtendedLifetime((fan, servers)) {} }
        try MulticastWorld.bind(fan, to: servers)

        await expectFractalError(.multicastDispatchFailed, naming: ["/badCustomFan", "cast"]) {
            _ = try await content.cast.invoke(.custom { count in [count] }) { try await $0.echo(1) }
        }
        #expect(nodes.allSatisfy { $0.received.isEmpty })
    }

    @Test func callWithNoServerBoundIsMulticastDispatchFailed() async throws {
        let (fan, content) = try MulticastWorld.fan("emptyFan")
        defer { withExtendedLifetime(fan) {} }

        let policies: [MulticastPolicy] = [.broadcast, .roundRobin, .random, .byKey("k"), .custom { _ in [0] }]
        for policy in policies {
            await expectFractalError(.multicastDispatchFailed, naming: ["/emptyFan", "cast"]) {
                _ = try await content.cast.invoke(policy) { try await $0.echo(1) }
            }
        }
        await expectFractalError(.multicastDispatchFailed, naming: ["/emptyFan", "cast"]) {
            _ = try await content.cast.scatter([1]) { server, item in try await server.echo(item) }
        }
    }

    @Test func unbindFromRemovesOneServer() async throws {
        let (fan, content) = try MulticastWorld.fan("unbindFan")
        let nodes = [MulticastNode(tag: 1), MulticastNode(tag: 2), MulticastNode(tag: 3)]
        let servers = try await MulticastWorld.nodes("unbindNode", nodes)
        defer { withExtendedLifetime((fan, servers)) {} }
        try MulticastWorld.bind(fan, to: servers)

        try fan.bindingController.unbind("cast", from: servers[1].interface(named: "s"))

        #expect(content.cast.count == 2)
        #expect(try fan.bindingController.lookupAll("cast").map(\.owner.name) == ["unbindNode1", "unbindNode3"])
        let results = try await content.cast.invoke(.broadcast) { try await $0.echo(4) }
        #expect(results == [1004, 3004])
        #expect(nodes[1].received.isEmpty)
        expectFractalError(.notBound, naming: ["/unbindFan", "cast"]) {
            try fan.bindingController.unbind("cast", from: servers[1].interface(named: "s"))
        }
    }

    @Test func unbindWithoutAServerRemovesThemAll() async throws {
        let (fan, content) = try MulticastWorld.fan("unbindAllFan")
        let servers = try await MulticastWorld.nodes("unbindAllNode", [MulticastNode(tag: 1), MulticastNode(tag: 2)])
        defer { withExtendedLifetime((fan, servers)) {} }
        try MulticastWorld.bind(fan, to: servers)

        try fan.bindingController.unbind("cast")

        #expect(content.cast.count == 0)
        #expect(try fan.bindingController.lookupAll("cast").isEmpty)
    }

    @Test func failingServersErrorIsThrownAfterTheOthersFinish() async throws {
        let (fan, content) = try MulticastWorld.fan("failingFan")
        let slow = MulticastNode(tag: 1, delay: .milliseconds(100))
        let failing = MulticastNode(tag: 2, failing: true)
        let servers = try await MulticastWorld.nodes("failingNode", [slow, failing])
        defer { withExtendedLifetime((fan, servers)) {} }
        try MulticastWorld.bind(fan, to: servers)

        await #expect(throws: MulticastNodeError(tag: 2)) {
            _ = try await content.cast.invoke(.broadcast) { try await $0.echo(8) }
        }
        #expect(slow.finished == [8], "the slow server had not finished when the error was thrown")
        #expect(failing.finished == [8])
    }

    @Test func firstFailureInBindOrderIsThrown() async throws {
        let (fan, content) = try MulticastWorld.fan("twoFailuresFan")
        let first = MulticastNode(tag: 1, failing: true, delay: .milliseconds(50))
        let second = MulticastNode(tag: 2, failing: true)
        let servers = try await MulticastWorld.nodes("twoFailuresNode", [first, second])
        defer { withExtendedLifetime((fan, servers)) {} }
        try MulticastWorld.bind(fan, to: servers)

        await #expect(throws: MulticastNodeError(tag: 1)) {
            _ = try await content.cast.invoke(.broadcast) { try await $0.echo(1) }
        }
    }

    @Test func collectionMembersBoundIndependentlyAppearByName() async throws {
        let (fan, content) = try MulticastWorld.collectionFan("collectionFan")
        let nodes = [MulticastNode(tag: 1), MulticastNode(tag: 2), MulticastNode(tag: 3)]
        let servers = try await MulticastWorld.nodes("memberNode", nodes)
        defer { withExtendedLifetime((fan, servers)) {} }

        try fan.bindingController.bind("manyB", to: servers[0].interface(named: "s"))
        try fan.bindingController.bind("many1", to: servers[1].interface(named: "s"))
        try fan.bindingController.bind("manyA", to: servers[2].interface(named: "s"))

        #expect(content.many.members.map(\.name) == ["many1", "manyA", "manyB"])
        #expect(content.many.count == 3)
        #expect(try await content.many["manyB"]?.echo(0) == 1000)
        #expect(try await content.many["many1"]?.echo(0) == 2000)
        #expect(try await content.many["manyA"]?.echo(0) == 3000)
        #expect(try fan.bindingController.lookup("many1")?.owner === servers[1])

        try fan.bindingController.unbind("manyA")
        #expect(content.many.members.map(\.name) == ["many1", "manyB"])
        #expect(content.many["manyA"] == nil)
    }
}

extension Sequence {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
