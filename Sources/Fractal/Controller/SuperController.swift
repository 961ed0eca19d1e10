/// Fractal's `SuperController`: the composites a component belongs to (several when shared).
public struct SuperController: Sendable {
    public let component: Component

    /// The parents, in the order the component was added to them.
    public var parents: [Component] {
        component.state.withLock { $0.parents.compactMap(\.component) }
    }
}

extension Component {
    public var superController: SuperController { SuperController(component: self) }
}
