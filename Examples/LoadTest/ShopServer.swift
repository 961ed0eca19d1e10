import ClifTesting
import Fractal

/// What the shop tells about itself.
@Interface("shop.Counters")
protocol ShopCounters: Sendable {
    func served() async throws -> Int
}

/// The system under test, as a component: a small SwiftNIO HTTP server on 127.0.0.1 that starts
/// and stops with its component.
final class ShopServer: ShopCounters, LifeCycleAware, @unchecked Sendable {
    let port = Attribute("port", 8089)
    private var server: StubHTTPServer?

    static func component() throws -> Component {
        Registry.shared.register(ShopCountersProxy.self)
        return try Component.primitive(
            "shop", type: ComponentType([InterfaceType(name: "counters", signature: ShopCountersProxy.self, role: .server)]), content: ShopServer())
    }

    func started() async throws {
        server = try await StubHTTPServer.start(port: port.value, behavior: .respond("<html>the shop</html>\n"))
    }

    func stopped() async {
        await server?.stop()
    }

    func served() async throws -> Int { server?.served ?? 0 }
}
