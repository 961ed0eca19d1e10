import ClifComponents
import ClifCore
import ClifTesting
import Foundation
import Fractal
import FractalADL
import Synchronization
import Testing

/// Counts the events it receives: a data collector's stand-in.
final class CountingSink: EventSink {
    let received = Mutex<[ActionEvent]>([])
    func receive(_ batch: EventBatch) async throws { received.withLock { $0 += batch.actions } }
}

@Suite("Injector component")
struct InjectorComponentTests {
    @Test func theADLInjectorRunsItsScenarioAndSendsEveryEventToItsCollector() async throws {
        let server = try await StubHTTPServer.start()
        defer { Task { await server.stop() } }
        let folder = NSTemporaryDirectory() + "injector-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let scenario = try loopingGetScenario(base: server.baseURL, in: folder)

        let registry = Registry()
        Injector.register(in: registry)
        let injector = try ADL.load("clif.Injector", searchPath: [packageRoot + "/ADL"],
                                    context: ["scenario": scenario, "users": "2", "duration": "1"], registry: registry)
        let sink = CountingSink()
        let collector = try Component.primitive(
            "collector", type: ComponentType([InterfaceType(name: "events", signature: EventSinkProxy.self, role: .server)]), content: sink)
        try injector.bindingController.bind("events", to: collector.interface(named: "events"))
        try await collector.lifeCycleController.start()
        try await injector.lifeCycleController.start()

        let statistics = try await injector.interface(named: "control").callable(as: (any InjectorControl).self).run()
        let get = try #require(statistics.actions["GET"])
        #expect(get.calls > 0)
        #expect(get.errors == 0)
        #expect(UInt64(sink.received.withLock { $0.count }) == get.calls)
        #expect(UInt64(server.served) == get.calls)
        try await injector.lifeCycleController.stop()
    }
}
