import Fractal
import FractalTesting
import Foundation
import HelloWorldComponents
import Testing

/// DistributedHelloWorld with its client on n1 and its server on n2, in memory and over TCP.
@Suite struct HelloWorldAcrossNodesTests {
    static let registry: Registry = {
        let registry = Registry()
        HelloWorldComponents.register(in: registry)
        return registry
    }()
    /// The package's ADL folder, wherever the tests run from.
    static let adl = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("ADL").path

    @Test(arguments: [TestCluster.Mode.inMemory, .tcp])
    func aLostServerFailsTheNextCallWithATypedError(mode: TestCluster.Mode) async throws {
        try await TestCluster.withNodes(["n1", "n2"], mode: mode, registry: Self.registry) { cluster in
            let app = try await cluster.deploy("DistributedHelloWorld", placement: ["clients": "n1", "servers": "n2"],
                                               searchPath: [Self.adl])
            let hello = try app.interface(named: "r").callable(as: (any Runnable).self)
            try await hello.run()                                // coordinator → client on n1 → server on n2

            try await cluster.lose("n2")                         // as with kill -9: no goodbye
            try await cluster.waitUntilLost("n2")                // until the coordinator has noticed
            let error = await #expect(throws: FractalError.self) { try await hello.run() }
            #expect(error?.kind == .remoteFailure)               // from n1: it cannot reach n2
        }                                                        // all stopped and removed here
    }
}
