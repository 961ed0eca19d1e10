import FractalXML

/// The content of a definition or component element, with `extends` merged in: what the
/// planner turns into a ``ComponentPlan``. Lists are merged by key (interface and component
/// by name, binding by client, attribute by name); the extending definition wins.
struct Body {
    struct Item {
        var node: XMLNode
        var origin: [Diagnostic.Note]
    }

    struct ComponentEntry {
        var node: XMLNode
        var origin: [Diagnostic.Note]
        /// The resolved content; nil for a shared reference (`definition="./path"`) or a
        /// reference that failed to resolve.
        var body: Body?
        var definition: String?
        var sharedPath: String?
    }

    var interfaces = OrderedItems<Item>()
    var components = OrderedItems<ComponentEntry>()
    var bindings = OrderedItems<Item>()
    var attributes = OrderedItems<Item>()
    var attributesNode: Item?
    var content: Item?
    var controller: Item?
    /// The membrane's own interfaces, components and bindings (GCM's non-functional part,
    /// inside `<controller>`).
    var membrane: [Item] = []
    var membraneComponents = OrderedItems<ComponentEntry>()
    var membraneBindings: [Item] = []
    var virtualNode: Item?
    var extras: [Item] = []

    /// `other` over `self`.
    func merged(with other: Body) -> Body {
        var result = self
        for (key, item) in other.interfaces.entries { result.interfaces[key] = item }
        for (key, entry) in other.components.entries {
            if let base = result.components[key], let baseBody = base.body, let body = entry.body, entry.sharedPath == nil {
                var combined = entry
                combined.body = baseBody.merged(with: body)
                combined.definition = entry.definition ?? base.definition
                result.components[key] = combined
            } else {
                result.components[key] = entry
            }
        }
        for (key, item) in other.bindings.entries { result.bindings[key] = item }
        for (key, item) in other.attributes.entries { result.attributes[key] = item }
        result.attributesNode = other.attributesNode ?? attributesNode
        result.content = other.content ?? content
        // A `<controller>` that only holds a membrane keeps the inherited description.
        if let theirs = other.controller, theirs.node.value("desc") != nil || controller == nil { result.controller = theirs }
        result.membrane += other.membrane
        for (key, entry) in other.membraneComponents.entries { result.membraneComponents[key] = entry }
        result.membraneBindings += other.membraneBindings
        result.virtualNode = other.virtualNode ?? virtualNode
        result.extras += other.extras
        return result
    }

    /// Adds `note` to the origin of everything in the body (it came through an `extends`).
    func noted(_ note: Diagnostic.Note) -> Body {
        var result = self
        result.interfaces = interfaces.mapValues { Item(node: $0.node, origin: $0.origin + [note]) }
        func noted(_ entry: ComponentEntry) -> ComponentEntry {
            var noted = entry
            noted.origin.append(note)
            noted.body = entry.body?.noted(note)
            return noted
        }
        result.components = components.mapValues(noted)
        result.bindings = bindings.mapValues { Item(node: $0.node, origin: $0.origin + [note]) }
        result.attributes = attributes.mapValues { Item(node: $0.node, origin: $0.origin + [note]) }
        result.attributesNode = attributesNode.map { Item(node: $0.node, origin: $0.origin + [note]) }
        result.content = content.map { Item(node: $0.node, origin: $0.origin + [note]) }
        result.controller = controller.map { Item(node: $0.node, origin: $0.origin + [note]) }
        result.membrane = membrane.map { Item(node: $0.node, origin: $0.origin + [note]) }
        result.membraneComponents = membraneComponents.mapValues(noted)
        result.membraneBindings = membraneBindings.map { Item(node: $0.node, origin: $0.origin + [note]) }
        result.virtualNode = virtualNode.map { Item(node: $0.node, origin: $0.origin + [note]) }
        return result
    }
}

/// A small insertion-ordered dictionary.
struct OrderedItems<Value> {
    private(set) var keys: [String] = []
    private var values: [String: Value] = [:]

    subscript(key: String) -> Value? {
        get { values[key] }
        set {
            if values[key] == nil, newValue != nil { keys.append(key) }
            if newValue == nil { keys.removeAll { $0 == key } }
            values[key] = newValue
        }
    }

    var entries: [(key: String, value: Value)] { keys.map { ($0, values[$0]!) } }
    var items: [Value] { keys.map { values[$0]! } }
    var isEmpty: Bool { keys.isEmpty }

    func mapValues<T>(_ transform: (Value) -> T) -> OrderedItems<T> {
        var result = OrderedItems<T>()
        for key in keys { result[key] = transform(values[key]!) }
        return result
    }
}
