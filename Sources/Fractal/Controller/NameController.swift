/// Fractal's `NameController`: a component's name.
public struct NameController: Sendable {
    public let component: Component

    public var name: String { component.name }

    public func setName(_ name: String) {
        component.state.withLock { $0.name = name }
    }
}

extension Component {
    public var nameController: NameController { NameController(component: self) }
}
