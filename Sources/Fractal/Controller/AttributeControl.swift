/// A component's attribute controller as an interface: what a membrane component binds to
/// (`this.attribute-controller`) to read and tune the attributes of its component.
@Interface("fractal.AttributeController")
public protocol AttributeControl: Sendable {
    /// The attribute names, in declaration order.
    func attributeNames() async throws -> [String]
    /// Attribute `name` as text.
    func attribute(_ name: String) async throws -> String
    /// Sets attribute `name` from text, as ADL does.
    func setAttribute(_ name: String, to value: String) async throws
}

/// The `attribute-controller` interface of a component, as its membrane sees it.
///
/// Calls to it do not pass the component's lifecycle gate: controllers work while the
/// component is stopped.
final class ControllerInterface: CallTarget {
    static let attributeControllerName = "attribute-controller"

    unowned let owner: Component
    let name = ControllerInterface.attributeControllerName
    let type = InterfaceType(name: ControllerInterface.attributeControllerName, signature: AttributeControlProxy.signatureName, role: .server)
    /// Reached from inside the membrane only; a binding to it does not keep the component alive
    /// (the component holds its membrane already).
    var isInternal: Bool { true }

    init(owner: Component) { self.owner = owner }

    func endpoint<S: Sendable>(_ signature: S.Type, origin: CallOrigin) throws -> Endpoint<S> {
        guard let typed = AttributeControlAdapter(component: owner) as? S else {
            throw FractalError(.signatureMismatch, component: owner.path, interface: name,
                               "the attribute controller is a \(AttributeControlProxy.signatureName), not a \(S.self)")
        }
        return ControllerEndpoint(target: typed)
    }
}

private final class AttributeControlAdapter: AttributeControl {
    weak let component: Component?

    init(component: Component) { self.component = component }

    private func controller() throws -> AttributeController {
        guard let component else {
            throw FractalError(.notBound, interface: ControllerInterface.attributeControllerName, "the component has been released")
        }
        return try component.attributeController
    }

    func attributeNames() async throws -> [String] { try controller().names }
    func attribute(_ name: String) async throws -> String { try controller().string(name) }
    func setAttribute(_ name: String, to value: String) async throws { try controller().set(name, string: value) }
}

/// Calls straight to a controller: no gate, no interceptors.
private final class ControllerEndpoint<S: Sendable>: Endpoint<S>, @unchecked Sendable {
    let target: S

    init(target: S) {
        self.target = target
        super.init()
    }

    override func perform<R: Codable & Sendable>(
        _ method: String,
        _ arguments: @autoclosure () -> [any Codable & Sendable],
        _ body: (S) async throws -> R
    ) async throws -> R {
        try await body(target)
    }
}
