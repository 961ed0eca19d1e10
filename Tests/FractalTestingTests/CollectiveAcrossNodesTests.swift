import Fractal
import FractalRemote
import FractalTesting
import HelloWorldComponents
import Testing

/// GCM collective interfaces whose ends are on different nodes: the census example
/// (`ADL/census/Census.fractal`), a surveyor's multicast client bound to three probes and the
/// probes' clients gathered by one tally's gathercast interface.
@Suite struct CollectiveAcrossNodesTests {
    static let probes = ["first": "n1", "second": "n2", "third": "n3"]

    /// Deploys the census with its probes on n1, n2, n3 and its tally on `tally`, and returns
    /// the top's `survey` interface.
    static func census(_ cluster: TestCluster, tally: String) async throws -> (Component, any Survey) {
        var placement = probes
        placement["tallies"] = tally
        let app = try await cluster.deploy("census.Census", placement: placement, searchPath: [World.adl])
        return (app, try app.interface(named: "survey").callable(as: (any Survey).self))
    }

    @Test(arguments: Where.allCases)
    func everyDispatchPolicyReachesProbesOnThreeNodes(_ place: Where) async throws {
        try await TestCluster.withNodes(["n1", "n2", "n3", "t"], mode: try place.mode(), registry: World.registry) { cluster in
            let (app, survey) = try await Self.census(cluster, tally: "t")
            #expect(try cluster.placement(of: app) == ["surveyor": cluster.coordinator.name, "probe1": "n1", "probe2": "n2", "probe3": "n3", "tally": "t"])

            // Broadcast: one result per probe in bind order, and the three calls ran at once:
            // each started before any of them ended.
            let measured = try await survey.broadcast(300)
            #expect(measured.map(\.probe) == ["probe1", "probe2", "probe3"])
            let lastStart = try #require(measured.map(\.started).max()), firstEnd = try #require(measured.map(\.ended).min())
            #expect(lastStart < firstEnd, "the probes' calls did not overlap: \(measured)")

            #expect(try await survey.roundRobin(6) == ["probe1", "probe2", "probe3", "probe1", "probe2", "probe3"])

            // By key: the probe each key hashes to, ranked by component and interface names,
            // as a multicast on any node would rank them.
            let keys = (0..<12).map { "key-\($0)" }
            let names = ["probe1#probe", "probe2#probe", "probe3#probe"]
            let expected = keys.map { "probe\(RendezvousHash.pick(key: $0, among: names) + 1)" }
            #expect(try await survey.byKey(keys) == expected)
            #expect(Set(expected).count > 1, "the keys chosen all hash to one probe: \(expected)")

            // One-to-one: work i to probe i.
            let scattered = try await survey.scatter([40, 10, 25])
            #expect(scattered.map(\.probe) == ["probe1", "probe2", "probe3"])
            #expect(scattered.map(\.work) == [40, 10, 25])
        }
    }

    /// The tally on its own node, on the coordinator, and beside one of its clients (a local
    /// member among remote ones).
    @Test(arguments: [(Where.inMemory, "t"), (.inMemory, "coordinator"), (.inMemory, "n1"), (.processes, "t"), (.processes, "n2")])
    func aGathercastGathersClientsOnOtherNodesEachWithItsOwnResult(_ place: Where, _ tally: String) async throws {
        try await TestCluster.withNodes(["n1", "n2", "n3", "t"], mode: try place.mode(), registry: World.registry) { cluster in
            let (_, survey) = try await Self.census(cluster, tally: tally == "coordinator" ? cluster.coordinator.name : tally)
            if place == .processes { #expect(try cluster.node(tally).processIdentifier != nil) }
            // Each probe gets the sum of what the other two reported: a result handed to the
            // wrong client, or a round that did not wait for all three, shows.
            #expect(try await survey.report([1, 20, 300]) == [320, 301, 21])
            #expect(try await survey.report([5, 6, 7]) == [13, 12, 11])
        }
    }
}
