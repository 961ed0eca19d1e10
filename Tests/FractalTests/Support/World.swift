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
