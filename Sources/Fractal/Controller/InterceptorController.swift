/// The interceptors of a component's server interfaces (GCM's membrane).
///
/// Interceptors can be added and removed at any time; a call uses the chain it found when the
/// membrane admitted it.
public struct InterceptorController: Sendable {
    public let component: Component

    /// Appends `interceptor` to the chain of server interface `name`, or of every server
    /// interface when `name` is nil.
    public func add(_ interceptor: any Interceptor, to name: String? = nil) throws {
        for port in try ports(name) { port.setInterceptors { $0.append(interceptor) } }
    }

    /// Removes every interceptor of server interface `name` (or of all of them).
    public func removeAll(from name: String? = nil) throws {
        for port in try ports(name) { port.setInterceptors { $0.removeAll() } }
    }

    /// The chain of server interface `name`, in order.
    public func interceptors(of name: String) throws -> [any Interceptor] {
        try ports(name)[0].interceptors
    }

    private func ports(_ name: String?) throws -> [ServerInterface] {
        guard let name else { return component.serverInterfaces }
        guard let port = component.serverInterface(name) else {
            if component.type.interfaceType(named: name) != nil {
                throw FractalError(.notAServerInterface, component: component.path, interface: name,
                                   "interceptors go on server interfaces; '\(name)' is a client interface")
            }
            throw component.noSuchInterface(name)
        }
        return [port]
    }
}

extension Component {
    public var interceptorController: InterceptorController { InterceptorController(component: self) }
}
