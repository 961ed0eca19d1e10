import CLibXML2
import Foundation
import FractalXML

/// Parses markup with libxml2, as a browser-independent check of what we write: the HTML
/// parser (`htmlReadMemory`) and the XML parser (`xmlReadMemory`), collecting every error.
enum LibXML2Check {
    struct Problem: CustomStringConvertible {
        var code: Int32
        var line: Int32
        var message: String
        var description: String { "line \(line): [\(code)] \(message.trimmingCharacters(in: .whitespacesAndNewlines))" }
    }

    /// An element's attribute, as parsed.
    struct Attribute {
        var element: String
        var name: String
        var value: String
    }

    struct Result {
        var parsed: Bool
        var problems: [Problem]
        var elements: [String]
        var attributes: [Attribute]
        /// The text of every element named `name`, in document order.
        var texts: [String: [String]]
    }

    /// libxml2 2.9's HTML parser knows HTML 4 only: these (inline SVG) are "unknown tags" to it.
    static let svgElements: Set<String> = ["svg", "g", "line", "polyline", "polygon", "path", "rect", "circle", "text"]

    static func html(_ text: String) -> Result { parse(text, html: true) }
    static func xml(_ text: String) -> Result { parse(text, html: false) }

    private final class Collector {
        var problems: [Problem] = []
    }

    private static func parse(_ text: String, html: Bool) -> Result {
        LibXML2.setUp()
        let bytes = Array(text.utf8)
        let collector = Collector()
        let context = Unmanaged.passRetained(collector)
        defer { context.release() }
        return LibXML2.lock.withLock { _ in
            xmlSetStructuredErrorFunc(context.toOpaque()) { context, error in
                guard let context, let error else { return }
                let message = error.pointee.message.map { String(cString: $0) } ?? ""
                Unmanaged<Collector>.fromOpaque(context).takeUnretainedValue().problems.append(Problem(code: error.pointee.code, line: error.pointee.line, message: message))
            }
            defer { xmlSetStructuredErrorFunc(nil, nil) }
            let document: xmlDocPtr? = bytes.withUnsafeBufferPointer { buffer in
                buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { pointer in
                    html
                        ? htmlReadMemory(pointer, Int32(buffer.count), "report.html", "UTF-8", Int32(HTML_PARSE_NONET.rawValue))
                        : xmlReadMemory(pointer, Int32(buffer.count), "report.xml", "UTF-8", Int32(XML_PARSE_NONET.rawValue))
                }
            }
            guard let document else { return Result(parsed: false, problems: collector.problems, elements: [], attributes: [], texts: [:]) }
            defer { xmlFreeDoc(document) }
            var elements: [String] = []
            var attributes: [Attribute] = []
            var texts: [String: [String]] = [:]
            func walk(_ node: xmlNodePtr?) {
                var node = node
                while let current = node {
                    if current.pointee.type == XML_ELEMENT_NODE {
                        let name = String(cString: current.pointee.name)
                        elements.append(name)
                        var attribute = current.pointee.properties
                        while let property = attribute {
                            let value = xmlNodeListGetString(document, property.pointee.children, 1)
                            attributes.append(Attribute(element: name, name: String(cString: property.pointee.name), value: value.map { String(cString: $0) } ?? ""))
                            free(value)
                            attribute = property.pointee.next
                        }
                        if let content = xmlNodeGetContent(current) {
                            texts[name, default: []].append(String(cString: content))
                            free(content)
                        }
                        walk(current.pointee.children)
                    }
                    node = current.pointee.next
                }
            }
            walk(xmlDocGetRootElement(document))
            return Result(parsed: true, problems: collector.problems, elements: elements, attributes: attributes, texts: texts)
        }
    }
}
