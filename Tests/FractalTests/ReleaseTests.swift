import Fractal
import Testing

/// Components are freed when the last reference to them goes, whatever their bindings: no
/// binding, cached proxy or endpoint keeps a composite and its sub-components alive in a cycle.
@Suite struct ReleaseTests {
    /// Weak references to the components of an architecture that has been built, started,
    /// called through every kind of binding, stopped and dropped.
    func releasedArchitecture() async throws -> (composite: Component?, client: Component?, server: Component?) {
        weak var weakComposite: Component?
        weak var weakClient: Component?
        weak var weakServer: Component?
        do {
            let (client, _) = try World.client("inner")
            let (server, content) = try World.server("outside")
            // Export (composite → child), import (child → composite), and a normal binding.
            let composite = try World.importingComposite("wrapper", inner: client, outside: server)
            try await server.lifeCycleController.start()
            try await composite.lifeCycleController.start()
            _ = try await composite.interface(named: "m").callable(as: (any Main).self).run()
            #expect(content.printed.withLock { $0 } == ["hello"])
            try await composite.lifeCycleController.stop()
            try await server.lifeCycleController.stop()
            weakComposite = composite
            weakClient = client
            weakServer = server
        }
        return (weakComposite, weakClient, weakServer)
    }

    @Test func aCompositeWithImportAndExportBindingsIsFreed() async throws {
        let (composite, client, server) = try await releasedArchitecture()
        #expect(composite == nil, "the composite is still alive")
        #expect(client == nil, "the sub-component is still alive")
        #expect(server == nil, "the server is still alive")
    }

    /// A sub-component kept after its composite is gone: a call through its import fails
    /// with `notBound`, it does not crash or hang.
    @Test func aCallThroughTheImportOfAReleasedCompositeFailsClearly() async throws {
        let (client, _) = try World.client("orphan")
        weak var weakComposite: Component?
        do {
            let (server, _) = try World.server("farAway")
            let composite = try World.importingComposite("gone", inner: client, outside: server)
            try await server.lifeCycleController.start()
            try await composite.lifeCycleController.start()
            weakComposite = composite
        }
        #expect(weakComposite == nil)
        let error = await #expect(throws: FractalError.self) {
            _ = try await client.interface(named: "m").callable(as: (any Main).self).run()
        }
        #expect(error?.kind == .notBound)
        #expect(error?.message.contains("has been released") == true, "\(String(describing: error))")
    }
}
