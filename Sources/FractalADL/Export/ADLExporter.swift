import Fractal

/// Writes a live architecture back out as ADL XML that loads to an equal architecture.
///
/// A shared component is written once, where it is first met; its other parents refer to it
/// with `definition="./path"`.
public enum ADLExporter {
    public static func xml(of component: Component, definitionName: String? = nil) -> String {
        var lines = [
            #"<?xml version="1.0" encoding="UTF-8"?>"#,
            #"<!DOCTYPE definition PUBLIC "-//objectweb.org//DTD Fractal ADL 2.0//EN" "classpath://org/objectweb/fractal/adl/xml/standard.dtd">"#,
        ]
        var written: [ObjectIdentifier: String] = [:]
        write(component, element: "definition", name: definitionName ?? component.name, path: ".", indent: "", into: &lines, written: &written)
        return lines.joined(separator: "\n") + "\n"
    }

    private static func write(
        _ component: Component, element: String, name: String, path: String, indent: String,
        into lines: inout [String], written: inout [ObjectIdentifier: String]
    ) {
        if let first = written[ObjectIdentifier(component)] {
            lines.append("\(indent)<\(element) name=\"\(escape(name))\" definition=\"\(escape(first))\"/>")
            return
        }
        written[ObjectIdentifier(component)] = path
        lines.append("\(indent)<\(element) name=\"\(escape(name))\">")
        let inner = indent + "  "
        for type in component.type.interfaceTypes {
            lines.append(interfaceLine(type, role: type.role.rawValue, indent: inner))
        }
        let children = (try? component.contentController.subComponents) ?? []
        for child in children {
            write(child, element: "component", name: child.name, path: path + "/" + child.name, indent: inner, into: &lines, written: &written)
        }
        for binding in bindings(inside: component, children: children) {
            lines.append("\(inner)<binding client=\"\(escape(binding.client))\" server=\"\(escape(binding.server))\"/>")
        }
        if let contentType = component.contentTypeName {
            lines.append("\(inner)<content class=\"\(escape(component.contentClassName ?? contentType))\"/>")
        }
        if let attributes = try? component.attributeController {
            lines.append("\(inner)<attributes>")
            for attribute in attributes.names {
                let value = (try? attributes.string(attribute)) ?? ""
                lines.append("\(inner)  <attribute name=\"\(escape(attribute))\" value=\"\(escape(value))\"/>")
            }
            lines.append("\(inner)</attributes>")
        }
        let description = component.isComposite ? "composite" : "primitive"
        if let membrane = try? component.membraneController {
            lines.append("\(inner)<controller desc=\"\(description)\">")
            let nfIndent = inner + "  "
            for interface in membrane.interfaceTypes {
                let role = (interface.isInternal ? "internal-" : "") + interface.type.role.rawValue
                lines.append(interfaceLine(interface.type, role: role, indent: nfIndent))
            }
            for nf in membrane.subComponents {
                write(nf, element: "component", name: nf.name, path: path + "/(membrane)/" + nf.name, indent: nfIndent, into: &lines, written: &written)
            }
            for binding in membrane.bindings {
                lines.append("\(nfIndent)<binding client=\"\(escape(binding.client))\" server=\"\(escape(binding.server))\"/>")
            }
            lines.append("\(inner)</controller>")
        } else {
            lines.append("\(inner)<controller desc=\"\(description)\"/>")
        }
        lines.append("\(indent)</\(element)>")
    }

    private static func interfaceLine(_ type: InterfaceType, role: String, indent: String) -> String {
        var line = "\(indent)<interface name=\"\(escape(type.name))\" role=\"\(role)\" signature=\"\(escape(type.signature))\""
        if type.isOptional { line += " contingency=\"optional\"" }
        if type.cardinality != .singleton { line += " cardinality=\"\(type.cardinality.rawValue)\"" }
        return line + "/>"
    }

    /// The bindings whose client is `component` (exports) or one of its sub-components,
    /// written relative to `component`. An interface of a membrane is its component's.
    static func bindings(inside component: Component, children: [Component]) -> [(client: String, server: String)] {
        func end(_ target: any Interface) -> String? {
            let owner = target.owner.membraneHost ?? target.owner
            if owner === component { return "this.\(target.name)" }
            if children.contains(where: { $0 === owner }) { return "\(owner.name).\(target.name)" }
            return nil
        }
        var result: [(String, String)] = []
        let clients = [component] + children
        for client in clients {
            for name in client.bindingController.list() {
                for target in (try? client.bindingController.lookupAll(name)) ?? [] {
                    guard let server = end(target) else { continue }
                    let isExport = client === component
                    if isExport && component.type.interfaceType(named: name)?.role != .server { continue }
                    result.append(((isExport ? "this" : client.name) + "." + name, server))
                }
            }
        }
        return result
    }

    static func escape(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
