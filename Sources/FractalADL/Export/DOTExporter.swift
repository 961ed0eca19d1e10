import Fractal

/// Writes a live architecture as a Graphviz graph: composites as clusters, primitives as
/// boxes, bindings as edges labelled with their interfaces; membranes as dashed clusters, their
/// bindings as dashed edges.
public enum DOTExporter {
    /// - Parameter placement: component path (`/Top/child`) → node name, to show where each
    ///   component runs.
    public static func dot(of component: Component, placement: [String: String] = [:]) -> String {
        var lines = ["digraph \"\(component.name)\" {", "  compound=true;", "  rankdir=LR;", "  node [shape=box, style=rounded];"]
        var edges: [String] = []
        var drawn: Set<ObjectIdentifier> = []
        write(component, placement: placement, indent: "  ", into: &lines, edges: &edges, drawn: &drawn)
        lines += edges
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }

    private static func id(_ component: Component) -> String { "\"\(component.path)\"" }

    private static func write(
        _ component: Component, placement: [String: String], indent: String,
        into lines: inout [String], edges: inout [String], drawn: inout Set<ObjectIdentifier>
    ) {
        guard drawn.insert(ObjectIdentifier(component)).inserted else { return }
        var label = "\(component.name)\\n\(component.contentClassName ?? (component.isComposite ? "composite" : "primitive"))"
        if let node = placement[component.path] { label += "\\non \(node)" }
        if component.isComposite {
            let children = (try? component.contentController.subComponents) ?? []
            lines.append("\(indent)subgraph \"cluster_\(component.path)\" {")
            lines.append("\(indent)  label=\"\(component.name)\(placement[component.path].map { " (on \($0))" } ?? "")\";")
            lines.append("\(indent)  \(id(component)) [shape=point, label=\"\"];")
            for child in children { write(child, placement: placement, indent: indent + "  ", into: &lines, edges: &edges, drawn: &drawn) }
            writeMembrane(of: component, placement: placement, indent: indent + "  ", into: &lines, edges: &edges, drawn: &drawn)
            lines.append("\(indent)}")
            for binding in ADLExporter.bindings(inside: component, children: children) {
                edges.append("  \(node(binding.client, in: component, children: children)) -> \(node(binding.server, in: component, children: children)) [label=\"\(binding.client) → \(binding.server)\"];")
            }
        } else if (try? component.membraneController) != nil {
            lines.append("\(indent)subgraph \"cluster_\(component.path)\" {")
            lines.append("\(indent)  label=\"\(component.name)\";")
            lines.append("\(indent)  \(id(component)) [label=\"\(label)\"];")
            writeMembrane(of: component, placement: placement, indent: indent + "  ", into: &lines, edges: &edges, drawn: &drawn)
            lines.append("\(indent)}")
        } else {
            lines.append("\(indent)\(id(component)) [label=\"\(label)\"];")
        }
    }

    /// The membrane's components, dashed, beside the component's content, and its bindings.
    private static func writeMembrane(
        of component: Component, placement: [String: String], indent: String,
        into lines: inout [String], edges: inout [String], drawn: inout Set<ObjectIdentifier>
    ) {
        guard let membrane = try? component.membraneController else { return }
        lines.append("\(indent)subgraph \"cluster_\(membrane.holder.path)\" {")
        lines.append("\(indent)  label=\"membrane\";")
        lines.append("\(indent)  style=dashed;")
        for nf in membrane.subComponents { write(nf, placement: placement, indent: indent + "  ", into: &lines, edges: &edges, drawn: &drawn) }
        lines.append("\(indent)}")
        let ends = membrane.subComponents + ((try? component.contentController.subComponents) ?? [])
        for binding in membrane.bindings {
            edges.append("  \(node(binding.client, in: component, children: ends)) -> \(node(binding.server, in: component, children: ends)) [label=\"\(binding.client) → \(binding.server)\", style=dashed];")
        }
    }

    private static func node(_ end: String, in composite: Component, children: [Component]) -> String {
        let name = String(end.prefix { $0 != "." })
        if name == "this" { return id(composite) }
        return children.first { $0.name == name }.map(id) ?? id(composite)
    }
}
