import FractalXML
import Fractal

/// A component as an architecture describes it, after `extends`, arguments and references are
/// resolved: what the builder instantiates and what `fractal check` examines.
public struct ComponentPlan: Sendable, Hashable, Codable {
    public struct PlannedInterface: Sendable, Hashable, Codable {
        public var type: InterfaceType
        public var location: SourceLocation
        /// True for an interface described inside `<controller>` (the membrane).
        public var isControl: Bool
        /// True for `internal-client` and `internal-server`: a membrane interface that faces
        /// the component's sub-components.
        public var isInternal: Bool = false
        /// The definitions it came through (extends, references), innermost first.
        public var origin: [Diagnostic.Note]

        public init(type: InterfaceType, location: SourceLocation, isControl: Bool = false, isInternal: Bool = false, origin: [Diagnostic.Note] = []) {
            self.type = type
            self.location = location
            self.isControl = isControl
            self.isInternal = isInternal
            self.origin = origin
        }
    }

    public struct PlannedAttribute: Sendable, Hashable, Codable {
        public var name: String
        public var value: String
        /// Where the value is.
        public var location: SourceLocation
        /// Where the name is.
        public var nameLocation: SourceLocation
        public var origin: [Diagnostic.Note]
    }

    public struct PlannedBinding: Sendable, Hashable, Codable {
        /// `component.interface` or `this.interface`.
        public var client: String
        public var server: String
        public var location: SourceLocation
        public var clientLocation: SourceLocation
        public var serverLocation: SourceLocation
        public var origin: [Diagnostic.Note]
    }

    public indirect enum Child: Sendable, Hashable, Codable {
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
    public var contentOrigin: [Diagnostic.Note] = []
    /// Where `<attributes>` is.
    public var attributesLocation: SourceLocation?
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
    /// The non-functional components of its membrane (GCM), and the bindings `<controller>`
    /// declares between them, the component's interfaces and its sub-components'.
    public var membrane: [ComponentPlan] = []
    public var membraneBindings: [PlannedBinding] = []

    public init(
        name: String, definition: String? = nil, location: SourceLocation, interfaces: [PlannedInterface] = [],
        contentClass: String? = nil, contentLocation: SourceLocation? = nil,
        controller: String? = nil, controllerLocation: SourceLocation? = nil,
        attributesSignature: String? = nil, attributes: [PlannedAttribute] = [],
        children: [Child] = [], bindings: [PlannedBinding] = [],
        virtualNode: String? = nil, virtualNodeCardinality: String? = nil, virtualNodeLocation: SourceLocation? = nil,
        origin: [Diagnostic.Note] = []
    ) {
        self.name = name
        self.definition = definition
        self.location = location
        self.interfaces = interfaces
        self.contentClass = contentClass
        self.contentLocation = contentLocation
        self.controller = controller
        self.controllerLocation = controllerLocation
        self.attributesSignature = attributesSignature
        self.attributes = attributes
        self.children = children
        self.bindings = bindings
        self.virtualNode = virtualNode
        self.virtualNodeCardinality = virtualNodeCardinality
        self.virtualNodeLocation = virtualNodeLocation
        self.origin = origin
    }

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
