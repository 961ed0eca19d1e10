import Fractal

/// Short constructors for the components tests build their worlds from.
enum World {
    static func serverType(_ name: String = "s", optional: Bool = false) -> InterfaceType {
        InterfaceType(name: name, signature: ServiceProxy.self, role: .server, contingency: optional ? .optional : .mandatory)
    }

    static func clientType(_ name: String = "s", optional: Bool = false, cardinality: Cardinality = .singleton) -> InterfaceType {
        InterfaceType(name: name, signature: ServiceProxy.self, role: .client,
                      contingency: optional ? .optional : .mandatory, cardinality: cardinality)
    }

    static func mainType(_ name: String = "m") -> InterfaceType {
        InterfaceType(name: name, signature: MainProxy.self, role: .server)
    }

    /// A primitive serving Service as `s`.
    static func server(_ name: String = "server", optional: Bool = false, controller: ControllerDescription = .primitive) throws -> (Component, EchoServer) {
        let content = EchoServer()
        let component = try Component.primitive(
            name, type: ComponentType([serverType(optional: optional)]), content: content, controller: controller)
        return (component, content)
    }

    /// A primitive serving Main as `m` and calling Service through `s`.
    static func client(_ name: String = "client", optional: Bool = false) throws -> (Component, EchoClient) {
        let content = EchoClient()
        let component = try Component.primitive(
            name, type: ComponentType([mainType(), clientType(optional: optional)]), content: content)
        return (component, content)
    }

    /// A composite with the given interfaces.
    /// A composite `name` holding client `inner`: its `m` is exported from `inner.m`, and
    /// `inner.s` is imported through its client interface `s`, which is bound to `outside.s`.
    static func importingComposite(_ name: String, inner: Component, outside: Component) throws -> Component {
        let composite = try World.composite(name, [World.mainType("m"), World.clientType("s")])
        try composite.contentController.add(inner)
        try composite.bindingController.bind("m", to: inner.interface(named: "m"))
        try inner.bindingController.bind("s", to: composite.contentController.internalInterface(named: "s"))
        try composite.bindingController.bind("s", to: outside.interface(named: "s"))
        return composite
    }

    static func composite(_ name: String = "composite", _ interfaces: [InterfaceType] = []) throws -> Component {
        try Component.composite(name, type: ComponentType(interfaces))
    }

    /// client → server, bound, both inside `parent` when given.
    static func boundPair(in parent: Component? = nil) throws -> (client: Component, server: Component, content: EchoServer) {
        let (client, _) = try client()
        let (server, content) = try server()
        if let parent {
            try parent.contentController.add(client)
            try parent.contentController.add(server)
        }
        try client.bindingController.bind("s", to: server.interface(named: "s"))
        return (client, server, content)
    }
}

/// Runs `body` and returns the FractalError it throws, or nil.
func fractalError(_ body: () throws -> Void) -> FractalError? {
    do {
        try body()
        return nil
    } catch let error as FractalError {
        return error
    } catch {
        return nil
    }
}

func fractalError(_ body: () async throws -> Void) async -> FractalError? {
    do {
        try await body()
        return nil
    } catch let error as FractalError {
        return error
    } catch {
        return nil
    }
}
