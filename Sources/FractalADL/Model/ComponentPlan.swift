import Fractal

/// A component as an architecture describes it, after `extends`, arguments and references are
/// resolved: what the builder instantiates and what `fractal check` examines.
public struct ComponentPlan: Sendable, Hashable {
    public struct PlannedInterface: Sendable, Hashable {
        public var type: InterfaceType
        public var location: SourceLocation
        /// True for an interface described inside `<controller>` (the membrane).
        public var isControl: Bool
    }

    public struct PlannedAttribute: Sendable, Hashable {
        public var name: String
        public var value: String
        public var location: SourceLocation
    }

    public struct PlannedBinding: Sendable, Hashable {
        /// `component.interface` or `this.interface`.
        public var client: String
        public var server: String
        public var location: SourceLocation
        public var clientLocation: SourceLocation
        public var serverLocation: SourceLocation
    }

    public indirect enum Child: Sendable, Hashable {
        case plan(ComponentPlan)
        /// `definition="./a/b"`: the component at that path (from the top) again.
        case shared(name: String, path: String, location: SourceLocation)

        public var name: String {
            switch self {
            case .plan(let plan): plan.name
            case .shared(let name, _, _): name
            }
        }
    }

    public var name: String
    /// The definition it was made from (`helloworld.HelloWorld`), when it was named.
    public var definition: String?
    public var location: SourceLocation
    public var interfaces: [PlannedInterface]
    public var contentClass: String?
    public var contentLocation: SourceLocation?
    public var controller: String?
    public var controllerLocation: SourceLocation?
    public var attributesSignature: String?
    public var attributes: [PlannedAttribute]
    public var children: [Child]
    public var bindings: [PlannedBinding]
    public var virtualNode: String?
    public var virtualNodeCardinality: String?
    public var virtualNodeLocation: SourceLocation?
    /// Where this component came from through `extends` and references, outermost last.
    public var origin: [Diagnostic.Note]

    /// A composite has sub-components or says so in its controller; a primitive has content.
    public var isComposite: Bool {
        if let controller, let description = ControllerDescription(fractalName: controller) {
            return description.kind == .composite
        }
        return contentClass == nil
    }

    /// Every plan below this one (this one included), depth first.
    public var allPlans: [ComponentPlan] {
        [self] + children.flatMap { child -> [ComponentPlan] in
            if case .plan(let plan) = child { return plan.allPlans }
            return []
        }
    }
}
