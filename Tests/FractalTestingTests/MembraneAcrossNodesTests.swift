import Fractal
import FractalTesting
import HelloWorldComponents
import Testing

/// The monitoring example (`ADL/monitoring/`) with its server, membrane and all, on another
/// node: the client's calls cross to the server's interface, go through the counter in the
/// server's membrane there, and the membrane's `monitor-controller` is read across the
/// connection too.
@Suite struct MembraneAcrossNodesTests {
    @Test(arguments: Where.allCases)
    func aMembraneTravelsWithItsComponentAndIsReadFromAnotherNode(_ place: Where) async throws {
        try await TestCluster.withNodes(["n1"], mode: try place.mode(), registry: World.registry) { cluster in
            let app = try await cluster.deploy("monitoring.Monitored", placement: ["servers": "n1"], searchPath: [World.adl],
                                               context: ["messages": "4"])
            #expect(try cluster.placement(of: app) == ["client": cluster.coordinator.name, "server": "n1"])
            let monitor = try app.interface(named: "monitor").callable(as: (any Monitor).self)
            #expect(try await monitor.count().calls == 0)
            try await app.interface(named: "r").callable(as: (any Runnable).self).run()
            let count = try await monitor.count()
            #expect(count.calls == 4)
            #expect(count.failures == 0)
        }
    }
}
