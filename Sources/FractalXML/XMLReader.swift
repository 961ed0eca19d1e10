import CLibXML2
import Foundation
import Synchronization

/// A DTD a reader validates documents against, whatever their DOCTYPE names.
package struct XMLSchema: Sendable {
    /// The parsed DTD; libxml2 keeps it for the life of the process.
    package let dtd: @Sendable () -> xmlDtdPtr?
    /// How messages name it ("the ADL DTD").
    package let name: String
    /// Where a reader finds the elements it may use, said after an unknown element.
    package let help: String

    package init(name: String, help: String, dtd: @escaping @Sendable () -> xmlDtdPtr?) {
        self.name = name
        self.help = help
        self.dtd = dtd
    }

    /// Parses DTD text once; keep the result in a `static let`.
    package static func parse(_ text: String) -> xmlDtdPtr? {
        LibXML2.setUp()
        let bytes = Array(text.utf8)
        let buffer = bytes.withUnsafeBufferPointer { pointer in
            pointer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                xmlParserInputBufferCreateMem($0, Int32(bytes.count), XML_CHAR_ENCODING_UTF8)
            }
        }
        return buffer.flatMap { xmlIOParseDTD(nil, $0, XML_CHAR_ENCODING_UTF8) }
    }
}

/// Reads an XML file with libxml2: well-formedness, declared encodings, and validation against
/// a DTD compiled into the program. Nothing is ever fetched: no network, no external entity,
/// whatever the DOCTYPE says; libxml2's limits on depth and entity loops stay on, and
/// ``EntityBudget`` bounds what entity references may add before libxml2 expands them.
package enum XMLReader {
    package struct Result {
        package var root: XMLNode?
        package var diagnostics: [Diagnostic]
        /// The system identifier of the DOCTYPE, if any (`classpath://org/…/proactive.dtd`).
        package var systemIdentifier: String? = nil
    }

    /// Parses `bytes` (the content of `file`) and validates the document against `schema`
    /// when one is given.
    package static func read(_ bytes: [UInt8], file: String, schema: XMLSchema? = nil) -> Result {
        LibXML2.setUp()
        let collector = ErrorCollector(file: file)
        let text = decode(bytes, declaredEncoding: declaredEncoding(in: bytes))
        if let tooMuch = EntityBudget.check(text, file: file) { return Result(root: nil, diagnostics: [tooMuch]) }
        collector.lineLengths = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.unicodeScalars.count }
        if text.hasPrefix("<?xml"), let end = text.range(of: "?>") {
            collector.declarationNewlines = text[..<end.lowerBound].filter { $0 == "\n" }.count
        }
        let context = Unmanaged.passRetained(collector)
        defer { context.release() }
        return LibXML2.lock.withLock { _ in
            xmlSetStructuredErrorFunc(context.toOpaque(), collectError)
            defer { xmlSetStructuredErrorFunc(nil, nil) }

            let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOWARNING.rawValue)
            guard let document = bytes.withUnsafeBufferPointer({ buffer in
                buffer.baseAddress.flatMap { base in
                    base.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                        xmlReadMemory($0, Int32(buffer.count), file, nil, options)
                    }
                }
            }) else {
                if collector.diagnostics.isEmpty {
                    collector.diagnostics.append(Diagnostic(at: SourceLocation(file: file, line: 1, column: 1), "the file is empty or not XML"))
                }
                return Result(root: nil, diagnostics: collector.diagnostics)
            }
            defer { xmlFreeDoc(document) }

            let text = decode(bytes, declaredEncoding: document.pointee.encoding.map { String(cString: $0) })
            var tags = TagScanner.tags(in: text)[...]
            var locations: [UnsafeMutableRawPointer: SourceLocation] = [:]
            guard let rootElement = xmlDocGetRootElement(document) else {
                return Result(root: nil, diagnostics: collector.diagnostics)
            }
            let root = node(rootElement, file: file, tags: &tags, locations: &locations)

            collector.nodeLocations = locations
            collector.attributeLocations = attributeLocations(root, elements: rootElement)
            collector.schema = schema
            if let schema, let dtd = schema.dtd(), let validation = xmlNewValidCtxt() {
                xmlValidateDtd(validation, document, dtd)
                xmlFreeValidCtxt(validation)
            }
            // An unknown element also breaks its parent's content model, and each of its
            // attributes is undeclared: say it once.
            var diagnostics = collector.diagnostics
            let unknownElements = Set(diagnostics.compactMap { diagnostic -> String? in
                guard diagnostic.message.hasPrefix("unknown element <") else { return nil }
                return String(diagnostic.message.dropFirst("unknown element <".count).prefix { $0 != ">" })
            })
            if !unknownElements.isEmpty {
                diagnostics.removeAll { diagnostic in
                    diagnostic.message.contains("content does not follow the DTD")
                        || unknownElements.contains { diagnostic.message.hasPrefix("unknown attribute") && diagnostic.message.hasSuffix("on <\($0)>") }
                }
            }
            let system = document.pointee.intSubset?.pointee.SystemID.map { String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self)) }
            return Result(root: root, diagnostics: diagnostics, systemIdentifier: system)
        }
    }

    /// Builds the tree, taking each element's position from the scanned tags.
    private static func node(
        _ element: xmlNodePtr, file: String,
        tags: inout ArraySlice<TagScanner.Tag>, locations: inout [UnsafeMutableRawPointer: SourceLocation]
    ) -> XMLNode {
        let name = String(cString: element.pointee.name)
        let line = Int(xmlGetLineNo(element))
        var tag: TagScanner.Tag?
        if let next = tags.first, next.name == name || next.name.hasSuffix(":" + name) {
            tag = next
            tags.removeFirst()
        }
        let location = SourceLocation(file: file, line: tag?.line ?? max(line, 1), column: tag?.column ?? 1)
        locations[UnsafeMutableRawPointer(element)] = location

        var attributes: [XMLNode.Attribute] = []
        var property = element.pointee.properties
        while let current = property {
            let attributeName = String(cString: current.pointee.name)
            let value: String
            value = attributeValue(current)
            let place = tag?.attributes[attributeName].map { SourceLocation(file: file, line: $0.line, column: $0.column) } ?? location
            attributes.append(.init(name: attributeName, value: value, location: place))
            locations[UnsafeMutableRawPointer(current)] = place
            property = current.pointee.next
        }

        var children: [XMLNode] = []
        var child = element.pointee.children
        while let current = child {
            if current.pointee.type == XML_ELEMENT_NODE {
                children.append(node(current, file: file, tags: &tags, locations: &locations))
            }
            child = current.pointee.next
        }
        return XMLNode(name: name, attributes: attributes, children: children, location: location)
    }

    /// Element pointer → where each of its attributes is, for errors about an attribute.
    private static func attributeLocations(_ root: XMLNode, elements: xmlNodePtr) -> [UnsafeMutableRawPointer: [String: SourceLocation]] {
        var table: [UnsafeMutableRawPointer: [String: SourceLocation]] = [:]
        func walk(_ node: XMLNode, _ element: xmlNodePtr) {
            table[UnsafeMutableRawPointer(element)] = Dictionary(node.attributes.map { ($0.name, $0.location) }, uniquingKeysWith: { first, _ in first })
            var child = element.pointee.children
            var index = 0
            while let current = child {
                if current.pointee.type == XML_ELEMENT_NODE, index < node.children.count {
                    walk(node.children[index], current)
                    index += 1
                }
                child = current.pointee.next
            }
        }
        walk(root, elements)
        return table
    }

    /// The text of an attribute: its children are text (and entity reference) nodes.
    private static func attributeValue(_ attribute: xmlAttrPtr) -> String {
        var value = ""
        var child = attribute.pointee.children
        while let current = child {
            if let content = current.pointee.content { value += String(cString: content) }
            child = current.pointee.next
        }
        return value
    }

    /// The encoding an XML declaration names, if any (`<?xml … encoding="ISO-8859-1"?>`).
    package static func declaredEncoding(in bytes: [UInt8]) -> String? {
        let head = String(decoding: bytes.prefix(200), as: UTF8.self)
        guard head.hasPrefix("<?xml") || head.hasPrefix("\u{FEFF}<?xml"),
              let end = head.range(of: "?>"), let key = head.range(of: "encoding=", range: head.startIndex..<end.lowerBound) else { return nil }
        let rest = head[key.upperBound...].dropFirst()
        return String(rest.prefix { $0 != "\"" && $0 != "'" })
    }

    /// The document's text, decoded as libxml2 did, to count columns in characters.
    package static func decode(_ bytes: [UInt8], declaredEncoding: String?) -> String {
        var text = decodeAll(bytes, declaredEncoding: declaredEncoding)
        // A byte-order mark is not a character of the first line.
        if text.unicodeScalars.first == "\u{FEFF}" { text.unicodeScalars.removeFirst() }
        return text
    }

    private static func decodeAll(_ bytes: [UInt8], declaredEncoding: String?) -> String {
        switch declaredEncoding?.uppercased() {
        case "ISO-8859-1", "LATIN1", "LATIN-1", "ISO_8859-1", "ISO8859-1":
            var text = ""
            text.unicodeScalars.append(contentsOf: bytes.map { Unicode.Scalar($0) })
            return text
        case "UTF-16", "UTF-16LE", "UTF-16BE":
            return String(data: Data(bytes), encoding: .utf16) ?? String(decoding: bytes, as: UTF8.self)
        case "US-ASCII", "ASCII":
            return String(decoding: bytes, as: UTF8.self)
        case "WINDOWS-1252", "CP1252":
            return String(data: Data(bytes), encoding: .windowsCP1252) ?? String(decoding: bytes, as: UTF8.self)
        default:
            return String(decoding: bytes, as: UTF8.self)
        }
    }
}

/// Receives libxml2's structured errors during one read.
final class ErrorCollector: @unchecked Sendable {
    let file: String
    var diagnostics: [Diagnostic] = []
    var nodeLocations: [UnsafeMutableRawPointer: SourceLocation] = [:]
    var attributeLocations: [UnsafeMutableRawPointer: [String: SourceLocation]] = [:]
    /// Characters per line, to keep libxml2's columns inside their line.
    var lineLengths: [Int] = []
    /// Newlines inside the XML declaration: libxml2 does not count them when it recovers from
    /// a malformed declaration, so its later lines are short by that many.
    var declarationNewlines = 0
    /// The DTD being validated against, to name it in messages.
    var schema: XMLSchema?
    private var lineDrift = 0

    init(file: String) { self.file = file }

    /// The attribute a validation message is about, when it is about one that is present.
    static func attributeNamed(in message: String) -> String? {
        for pattern in ["^No declaration for attribute (\\S+) of element", "^Value \"[^\"]*\" for attribute (\\S+) of"] {
            if let regex = try? NSRegularExpression(pattern: pattern),
               let match = regex.firstMatch(in: message, range: NSRange(message.startIndex..., in: message)),
               let range = Range(match.range(at: 1), in: message) {
                return String(message[range])
            }
        }
        return nil
    }

    /// libxml2's validation messages, said the way the rest of the loader says things.
    func validationMessage(_ message: String) -> String {
        func capture(_ pattern: String) -> [String]? {
            guard let regex = try? NSRegularExpression(pattern: pattern),
                  let match = regex.firstMatch(in: message, range: NSRange(message.startIndex..., in: message)) else { return nil }
            return (1..<match.numberOfRanges).compactMap { Range(match.range(at: $0), in: message).map { String(message[$0]) } }
        }
        if let parts = capture("^No declaration for element (\\S+)"), parts.count == 1 {
            return "unknown element <\(parts[0])>" + (schema.map { " (\($0.help))" } ?? "")
        }
        if let parts = capture("^No declaration for attribute (\\S+) of element (\\S+)"), parts.count == 2 {
            return "unknown attribute '\(parts[0])' on <\(parts[1])>"
        }
        if let parts = capture("^Element (\\S+) does not carry attribute (\\S+)"), parts.count == 2 {
            return "<\(parts[0])> needs attribute '\(parts[1])'"
        }
        if let parts = capture("^Value \"([^\"]*)\" for attribute (\\S+) of (\\S+) is not among the enumerated set"), parts.count == 3 {
            return "'\(parts[0])' is not a valid \(parts[1]) for <\(parts[2])>"
        }
        if let parts = capture("^Element (\\S+) was declared EMPTY this one has content"), parts.count == 1 {
            return "<\(parts[0])> takes no content"
        }
        return "does not follow \(schema?.name ?? "the DTD"): \(message)"
    }

    func record(_ error: xmlError) {
        var message = error.message.map { String(cString: $0) } ?? "XML error"
        message = message.trimmingCharacters(in: .whitespacesAndNewlines)
        var location: SourceLocation
        if let node = error.node, let known = nodeLocations[node] {
            location = known
            // Errors about one attribute point at that attribute.
            if let attribute = Self.attributeNamed(in: message), let place = attributeLocations[node]?[attribute] {
                location = place
            }
        } else {
            let line = max(Int(error.line), 1) + lineDrift
            if lineDrift == 0, declarationNewlines > 0, message.contains("declaration") { lineDrift = declarationNewlines }
            var column = max(Int(error.int2), 1)
            // libxml2 sometimes counts past the end of the line (at the end of its buffer).
            if line <= lineLengths.count { column = min(column, lineLengths[line - 1] + 1) }
            location = SourceLocation(file: file, line: line, column: column)
        }
        let severity: Diagnostic.Severity = error.level == XML_ERR_WARNING ? .warning : .error
        let fromValidation = error.domain == Int32(XML_FROM_VALID.rawValue)
        diagnostics.append(Diagnostic(severity, at: location, fromValidation ? validationMessage(message) : message))
    }
}

private func collectError(_ context: UnsafeMutableRawPointer?, _ error: UnsafeMutablePointer<xmlError>?) {
    guard let context, let error else { return }
    Unmanaged<ErrorCollector>.fromOpaque(context).takeUnretainedValue().record(error.pointee)
}

/// Process-wide libxml2 settings, made once.
package enum LibXML2 {
    /// libxml2's error hook is global: reads take turns.
    package static let lock = Mutex(())

    private static let once: Void = {
        xmlInitParser()
        // Never resolve an external entity or DTD: every document is validated against the
        // DTD compiled into this module, whatever its DOCTYPE says.
        xmlSetExternalEntityLoader { _, _, _ in nil }
    }()

    package static func setUp() { _ = once }
}

/// Reading other XML files of the framework (deployment descriptors) with the same located
/// errors as architecture files.
package enum XMLFile {
    /// The root element of the XML file at `path`, and the problems found (no DTD applies).
    package static func read(_ path: String) -> (root: XMLNode?, diagnostics: [Diagnostic]) {
        guard let data = FileManager.default.contents(atPath: path) else {
            return (nil, [Diagnostic(at: nil, "no such file: \(path)")])
        }
        let result = XMLReader.read(Array(data), file: path)
        return (result.root, result.diagnostics)
    }
}
