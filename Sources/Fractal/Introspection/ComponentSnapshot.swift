/// A component and everything below it, as plain values: what introspection, architecture
/// export and remote nodes exchange.
public struct ComponentSnapshot: Sendable, Hashable, Codable {
    public struct InterfaceSnapshot: Sendable, Hashable, Codable {
        public var type: InterfaceType
        /// The interface name (a collection member's own name, such as `clients0`).
        public var name: String
        /// Where the interface is bound, as `path#interface`, in bind order. For a composite's
        /// server interface, where it is exported from.
        public var boundTo: [String]
    }

    public struct AttributeSnapshot: Sendable, Hashable, Codable {
        public var name: String
        public var typeName: String
        public var value: String
    }

    public var name: String
    public var path: String
    public var kind: ControllerDescription.Kind
    public var state: LifeCycleState
    /// The Swift type of a primitive's content.
    public var contentType: String?
    public var interfaces: [InterfaceSnapshot]
    public var attributes: [AttributeSnapshot]
    /// Paths of the composites this component belongs to (more than one when shared).
    public var parents: [String]
    public var subComponents: [ComponentSnapshot]
    /// The composite that holds its membrane of components (GCM), when it has one: its
    /// interfaces are the non-functional ones, its sub-components the membrane components.
    public var membrane: [ComponentSnapshot]? = nil
}

extension Component {
    /// The architecture below this component, as values.
    public func snapshot() -> ComponentSnapshot {
        let (bindings, remoteBindings) = state.withLock { ($0.bindings, $0.remoteBindings) }
        var interfaces: [ComponentSnapshot.InterfaceSnapshot] = []
        for interfaceType in type.interfaceTypes {
            let names = interfaceType.isCollection
                ? bindings.keys.filter { $0.hasPrefix(interfaceType.name) }.sorted()
                : [interfaceType.name]
            for name in names {
                let bindsHere = interfaceType.role == .client || isComposite
                interfaces.append(.init(
                    type: interfaceType, name: name,
                    boundTo: bindsHere
                        ? (bindings[name] ?? []).map { "\($0.owner.path)#\($0.name)" } + (remoteBindings[name] ?? []).map(\.description)
                        : []))
            }
        }
        return ComponentSnapshot(
            name: name, path: path, kind: controllerDescription.kind,
            state: lifeCycleController.state,
            contentType: contentTypeName,
            interfaces: interfaces,
            attributes: attributes.map { .init(name: $0.name, typeName: $0.attribute.valueTypeName, value: $0.attribute.stringValue) },
            parents: parents.map(\.path),
            subComponents: children.map { $0.snapshot() },
            membrane: membraneComposite.map { [$0.snapshot()] })
    }

    /// The architecture below this component as an indented tree, for people.
    ///
    /// ```
    /// HelloWorld  composite STARTED
    /// │  r: server helloworld.Main ⇐ client.r
    /// ├─ client  primitive ClientImpl STARTED
    /// │     r: server helloworld.Main
    /// │     s: client helloworld.Service → server.s
    /// └─ server  primitive ServerImpl STARTED
    ///       s: server helloworld.Service
    /// ```
    public func architectureTree() -> String {
        var lines: [String] = []
        snapshot().appendTree(to: &lines, lead: "", childLead: "")
        return lines.joined(separator: "\n")
    }
}

extension ComponentSnapshot {
    fileprivate func appendTree(to lines: inout [String], lead: String, childLead: String) {
        var header = "\(lead)\(name)  \(kind.rawValue)"
        if let contentType { header += " \(contentType)" }
        header += " \(state.rawValue)"
        if parents.count > 1 { header += "  (shared: \(parents.joined(separator: ", ")))" }
        lines.append(header)
        // The membrane is drawn as the first entry below, named `(membrane)`.
        let below = (membrane ?? []) + subComponents
        let detailLead = childLead + (below.isEmpty ? "   " : "│  ")
        for interface in interfaces {
            var line = "\(detailLead)\(interface.name): \(interface.type.role.rawValue) \(interface.type.signature)"
            if interface.type.isOptional { line += " optional" }
            if interface.type.cardinality != .singleton { line += " \(interface.type.cardinality.rawValue)" }
            if !interface.boundTo.isEmpty {
                let arrow = interface.type.role == .client ? "→" : "⇐"
                line += " \(arrow) " + interface.boundTo.map { relative($0) }.joined(separator: ", ")
            }
            lines.append(line)
        }
        for attribute in attributes {
            lines.append("\(detailLead)@\(attribute.name) = \(attribute.typeName == "String" ? "\"\(attribute.value)\"" : attribute.value)")
        }
        for (index, child) in below.enumerated() {
            let last = index == below.count - 1
            child.appendTree(to: &lines, lead: childLead + (last ? "└─ " : "├─ "), childLead: childLead + (last ? "   " : "│  "))
        }
    }

    /// `path#itf` shown relative to this component's surroundings: `sibling.itf`, `this.itf`.
    private func relative(_ target: String) -> String {
        guard let hash = target.lastIndex(of: "#") else { return target }
        let targetPath = String(target[..<hash])
        let interface = String(target[target.index(after: hash)...])
        if targetPath == path { return "this.\(interface)" }
        if parents.contains(targetPath) { return "this.\(interface)" }
        let targetParent = String(targetPath[..<(targetPath.lastIndex(of: "/") ?? targetPath.startIndex)])
        let name = targetPath.split(separator: "/").last.map(String.init) ?? targetPath
        if targetParent == path || parents.contains(targetParent) { return "\(name).\(interface)" }
        return target
    }
}
