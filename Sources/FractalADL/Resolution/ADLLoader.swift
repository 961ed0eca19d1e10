import FractalXML
import Foundation

/// Finds definitions on a search path, reads them, and resolves `extends`, arguments and
/// references into a ``ComponentPlan``, reporting every problem with its place.
///
/// A definition `a.b.Name` is the file `a/b/Name.fractal` in one of the search-path folders,
/// like Java's classpath. A loader caches the files it reads; make a new one to see changes.
public final class ADLLoader {
    /// Folders searched for definitions, in order.
    public var searchPath: [String]
    /// Launch-context values: fill arguments nobody passed, and `${name}` not declared as arguments.
    public var context: [String: String]
    /// The target is checked alone: its own arguments without a value (whoever uses the
    /// definition gives them) are a warning, not an error.
    public var checksAlone = false
    /// Some file read had a `classpath:` DOCTYPE: it was written for a Java implementation
    /// (ProActive, Julia), whose types only the JVM knows.
    public private(set) var readJavaWrittenFile = false

    private var files: [String: XMLReader.Result] = [:]
    private var log = DiagnosticLog()
    /// How the definition being resolved was reached (extends, references), innermost first:
    /// the notes of the problems found in it.
    private var chain: [Diagnostic.Note] = []

    private func error(_ location: SourceLocation?, _ message: String, notes: [Diagnostic.Note] = []) {
        log.error(location, message, notes: notes + chain)
    }

    public init(searchPath: [String] = ["ADL"], context: [String: String] = [:]) {
        self.searchPath = searchPath
        self.context = context
    }

    /// Resolves `target`, a definition name (`helloworld.HelloWorld`, with arguments if any:
    /// `a.B(x=>1)`) or the path of a `.fractal` file.
    ///
    /// - Returns: the plan (nil when the problems leave nothing to plan) and every diagnostic.
    public func resolve(_ target: String) -> (plan: ComponentPlan?, diagnostics: [Diagnostic]) {
        log = DiagnosticLog()
        let plan = resolveTop(target)
        return (plan, log.diagnostics)
    }

    private func resolveTop(_ target: String) -> ComponentPlan? {
        var reference: DefinitionReference
        var explicitFile: String?
        if target.hasSuffix(".fractal") || (target.contains("/") && FileManager.default.fileExists(atPath: target)) {
            explicitFile = target
            guard let root = read(target)?.root else {
                if files[target] == nil { error(nil, "no such file: \(target)") }
                return nil
            }
            reference = DefinitionReference(name: root.value("name") ?? target, values: .none)
        } else {
            switch DefinitionReference.parse(target) {
            case .success(let parsed): reference = parsed
            case .failure(let problem):
                error(nil, "bad definition reference: \(problem.message)")
                return nil
            }
        }
        guard let resolved = resolveDefinition(reference, file: explicitFile, referencedAt: nil, stack: []) else { return nil }
        let name = reference.name.split(separator: ".").last.map(String.init) ?? reference.name
        return plan(name: name, body: resolved.body, definition: reference.name, location: resolved.location, origin: [])
    }

    // MARK: Files

    private func read(_ path: String) -> XMLReader.Result? {
        if let cached = files[path] { return cached }
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let result = XMLReader.read(Array(data), file: path, schema: ADLDTD.schema)
        files[path] = result
        if result.systemIdentifier?.hasPrefix("classpath:") == true { readJavaWrittenFile = true }
        log.append(contentsOf: result.diagnostics)
        return result
    }

    /// The file of definition `name` on the search path, and every place it looked.
    private func locate(_ name: String) -> (path: String?, tried: [String]) {
        let relative = name.replacingOccurrences(of: ".", with: "/") + ".fractal"
        var tried: [String] = []
        for folder in searchPath {
            let candidate = (folder as NSString).appendingPathComponent(relative)
            tried.append(candidate)
            if FileManager.default.fileExists(atPath: candidate) { return (candidate, tried) }
        }
        return (nil, tried)
    }

    // MARK: Definitions

    private func resolveDefinition(
        _ reference: DefinitionReference, file explicitFile: String?, referencedAt: SourceLocation?, stack: [String],
        reachedThrough outer: [Diagnostic.Note]? = nil
    ) -> (body: Body, location: SourceLocation)? {
        // Problems with the reference itself are the referencing definition's.
        let inside = chain
        if let outer { chain = outer }
        defer { chain = inside }
        if let start = stack.firstIndex(of: reference.name) {
            let cycle = (stack[start...] + [reference.name]).joined(separator: " → ")
            error(referencedAt, "cycle of definitions: \(cycle)")
            return nil
        }
        let path: String
        if let explicitFile {
            path = explicitFile
        } else {
            let (found, tried) = locate(reference.name)
            guard let found else {
                error(referencedAt, "unknown definition '\(reference.name)' (looked for \(tried.joined(separator: ", ")))")
                return nil
            }
            path = found
        }
        guard let root = read(path)?.root else { return nil }
        guard root.name == "definition" else {
            error(root.location, "the top element of \(path) is <\(root.name)>; an architecture file holds one <definition>")
            return nil
        }
        if let declared = root.value("name"), declared != reference.name, explicitFile == nil {
            error(root.location(of: "name"), "the file of '\(reference.name)' defines '\(declared)'; rename the definition or the file")
        }
        let values = argumentValues(of: root, reference: reference, referencedAt: referencedAt ?? root.location,
                                    alone: checksAlone && referencedAt == nil && stack.isEmpty)
        chain = inside
        let substituted = substitute(root, values: values, definition: reference.name)
        let inner = stack + [reference.name]

        var merged = Body()
        if let extends = substituted[attribute: "extends"] {
            for part in DefinitionReference.splitTopLevel(extends.value, on: ",") {
                switch DefinitionReference.parse(part) {
                case .failure(let problem):
                    error(extends.location, "bad reference in extends: \(problem.message)")
                case .success(let parent):
                    let note = Diagnostic.Note(location: extends.location, message: "inherited from '\(parent.name)', which '\(reference.name)' extends")
                    let outer = chain
                    chain = [note] + outer
                    let resolved = resolveDefinition(parent, file: nil, referencedAt: extends.location, stack: inner, reachedThrough: outer)
                    chain = outer
                    guard let resolved else { continue }
                    merged = merged.merged(with: resolved.body.noted(note))
                }
            }
        }
        merged = merged.merged(with: body(of: substituted, stack: inner, definition: reference.name))
        return (merged, root.location)
    }

    /// The values of a definition's arguments: passed, then context, then defaults.
    private func argumentValues(of root: XMLNode, reference: DefinitionReference, referencedAt: SourceLocation, alone: Bool) -> [String: String] {
        let declared = ArgumentDeclaration.parse(root.value("arguments") ?? "")
        if ArgumentDeclaration.hasUnnamed(in: root.value("arguments") ?? "") {
            error(root.location(of: "arguments"), "arguments=\"\(root.value("arguments") ?? "")\" declares an argument without a name; write name or name=default, separated by commas")
        }
        var passed: [String: String] = [:]
        switch reference.values {
        case .none:
            break
        case .positional(let values):
            if values.count > declared.count {
                error(referencedAt, "'\(reference.name)' takes \(declared.count) argument\(declared.count == 1 ? "" : "s") (\(declared.map(\.name).joined(separator: ", "))), \(values.count) given")
            }
            for (declaration, value) in zip(declared, values) { passed[declaration.name] = value }
        case .named(let pairs):
            for (name, value) in pairs {
                if !declared.contains(where: { $0.name == name }) {
                    error(referencedAt, "'\(reference.name)' has no argument named '\(name)' (it declares: \(declared.map(\.name).joined(separator: ", ")))")
                }
                passed[name] = value
            }
        }
        var values = context
        var unbound: [String] = []
        for declaration in declared {
            if let value = passed[declaration.name] ?? context[declaration.name] ?? declaration.defaultValue {
                values[declaration.name] = value
            } else if alone {
                values[declaration.name] = ""
                unbound.append(declaration.name)
            } else {
                // Reported here, once; its uses below substitute nothing rather than report again.
                values[declaration.name] = ""
                error(referencedAt, "no value for argument '\(declaration.name)' of '\(reference.name)': pass it (\(reference.name)(\(declaration.name)=>…)), give it a default (arguments=\"\(declaration.name)=…\"), or set it in the launch context",
                          notes: [.init(location: root.location(of: "arguments"), message: "declared here")])
            }
        }
        if !unbound.isEmpty {
            let list = unbound.map { "'\($0)'" }.joined(separator: ", ")
            log.warning(root.location(of: "arguments"), "checked alone, '\(reference.name)' has no value for \(unbound.count == 1 ? "argument" : "arguments") \(list): whoever uses it passes \(unbound.count == 1 ? "it" : "them") (\(reference.name)(\(unbound.map { "\($0)=>…" }.joined(separator: ", ")))); their uses were checked as empty values")
        }
        return values
    }

    /// Replaces `${name}` in every attribute value below `node`.
    private func substitute(_ node: XMLNode, values: [String: String], definition: String) -> XMLNode {
        var result = node
        // In a reference, a value passed on is quoted, so that what it holds is not read as structure.
        result.attributes = node.attributes.map { attribute in
            var copy = attribute
            let reference = (node.name == "component" && attribute.name == "definition") || (node.name == "definition" && attribute.name == "extends")
            copy.value = substitute(attribute.value, values: values, at: attribute.location, definition: definition, inReference: reference)
            return copy
        }
        result.children = node.children.map { substitute($0, values: values, definition: definition) }
        return result
    }

    private func substitute(_ text: String, values: [String: String], at location: SourceLocation, definition: String, inReference: Bool = false) -> String {
        guard text.containsSubstitution else { return text }
        var output = ""
        var rest = Substring(text)
        while let start = rest.range(of: "${") {
            output += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else {
                error(location, "'${' is not closed by '}' in \"\(text)\"")
                return output + rest[start.lowerBound...]
            }
            let name = String(rest[start.upperBound..<end])
            if let value = values[name] {
                output += inReference ? Self.referenceText(value, after: output) : value
            } else {
                error(location, "undefined argument '\(name)': '\(definition)' declares no such argument and the launch context has no such value")
            }
            rest = rest[rest.index(after: end)...]
        }
        return output + rest
    }

    /// A value substituted into a reference, written after `written`: inside the argument
    /// list it is quoted (inside a quoted segment only its quotes are doubled); in the
    /// definition's name it goes as it is.
    private static func referenceText(_ value: String, after written: String) -> String {
        var scanner = ReferenceScanner()
        for character in written { _ = scanner.read(character) }
        if scanner.quoted { return value.replacingOccurrences(of: "'", with: "''") }
        return scanner.depth > 0 ? DefinitionReference.quoted(value) : value
    }

    // MARK: Bodies

    private func body(of element: XMLNode, stack: [String], definition: String) -> Body {
        var body = Body()
        var bindingCount: [String: Int] = [:]
        func once(_ item: Body.Item?, _ node: XMLNode) -> Body.Item {
            if item != nil { error(node.location, "<\(element.name)> has more than one <\(node.name)>") }
            return Body.Item(node: node, origin: [])
        }
        /// Adds component `node` to `components` once, resolved; `place` says where, for a duplicate.
        func add(_ node: XMLNode, to components: inout OrderedItems<Body.ComponentEntry>, in place: String) {
            let name = node.value("name") ?? ""
            if components[name] != nil {
                error(node.location(of: "name"), "duplicate component name '\(name)' in \(place)'\(element.value("name") ?? definition)'")
            }
            components[name] = component(node, stack: stack, definition: definition)
        }
        for child in element.children {
            switch child.name {
            case "interface":
                let name = child.value("name") ?? ""
                if body.interfaces[name] != nil {
                    error(child.location(of: "name"), "duplicate interface name '\(name)' in '\(element.value("name") ?? definition)'")
                }
                body.interfaces[name] = Body.Item(node: child, origin: [])
            case "component":
                add(child, to: &body.components, in: "")
            case "binding":
                let client = child.value("client") ?? ""
                let count = bindingCount[client, default: 0]
                bindingCount[client] = count + 1
                body.bindings[count == 0 ? client : "\(client)\u{1}\(count)"] = Body.Item(node: child, origin: [])
            case "attributes":
                body.attributesNode = once(body.attributesNode, child)
                for attribute in child.children where attribute.name == "attribute" {
                    let name = attribute.value("name") ?? ""
                    if body.attributes[name] != nil {
                        error(attribute.location(of: "name"), "attribute '\(name)' is set twice")
                    }
                    body.attributes[name] = Body.Item(node: attribute, origin: [])
                }
            case "content":
                body.content = once(body.content, child)
            case "controller":
                body.controller = once(body.controller, child)
                let describesMembrane = child.children.contains { ["interface", "component", "binding"].contains($0.name) }
                if child.value("desc") == nil && !describesMembrane {
                    error(child.location, "<controller> needs attribute 'desc' (primitive, composite…), or, in GCM, the membrane's interfaces, components and bindings")
                }
                for part in child.children {
                    switch part.name {
                    case "interface":
                        body.membrane.append(Body.Item(node: part, origin: []))
                    case "component":
                        add(part, to: &body.membraneComponents, in: "the membrane of ")
                    case "binding":
                        body.membraneBindings.append(Body.Item(node: part, origin: []))
                    default:
                        break
                    }
                }
            case "virtual-node":
                body.virtualNode = once(body.virtualNode, child)
            default:
                body.extras.append(Body.Item(node: child, origin: []))
            }
        }
        return body
    }

    private func component(_ node: XMLNode, stack: [String], definition: String) -> Body.ComponentEntry {
        let inline = body(of: node, stack: stack, definition: definition)
        guard let reference = node[attribute: "definition"] else {
            return Body.ComponentEntry(node: node, origin: [], body: inline)
        }
        let text = reference.value.trimmedASCII
        if text.hasPrefix("./") || text.hasPrefix("/") {
            return Body.ComponentEntry(node: node, origin: [], body: nil, sharedPath: text)
        }
        switch DefinitionReference.parse(text) {
        case .failure(let problem):
            error(reference.location, "bad definition reference: \(problem.message)")
            return Body.ComponentEntry(node: node, origin: [], body: nil)
        case .success(let parsed):
            let note = Diagnostic.Note(location: reference.location, message: "in definition '\(parsed.name)', used by component '\(node.value("name") ?? "")' of '\(definition)'")
            let outer = chain
            chain = [note] + outer
            let resolved = resolveDefinition(parsed, file: nil, referencedAt: reference.location, stack: stack, reachedThrough: outer)
            chain = outer
            guard let resolved else {
                return Body.ComponentEntry(node: node, origin: [], body: nil, definition: parsed.name)
            }
            return Body.ComponentEntry(node: node, origin: [note], body: resolved.body.noted(note).merged(with: inline), definition: parsed.name)
        }
    }

    // MARK: Plans

    private func plan(name: String, body: Body, definition: String?, location: SourceLocation, origin: [Diagnostic.Note]) -> ComponentPlan {
        var interfaces: [ComponentPlan.PlannedInterface] = []
        for item in body.interfaces.items {
            if let planned = interface(item, isControl: false) { interfaces.append(planned) }
        }
        for item in body.membrane where item.node.name == "interface" {
            if let planned = interface(item, isControl: true) { interfaces.append(planned) }
        }
        var children: [ComponentPlan.Child] = []
        for entry in body.components.items {
            let childName = entry.node.value("name") ?? ""
            if let shared = entry.sharedPath {
                children.append(.shared(name: childName, path: shared, location: entry.node.location(of: "definition")))
            } else if let childBody = entry.body {
                children.append(.plan(plan(name: childName, body: childBody, definition: entry.definition,
                                           location: entry.node.location, origin: entry.origin)))
            }
        }
        func planned(_ item: Body.Item) -> ComponentPlan.PlannedBinding {
            ComponentPlan.PlannedBinding(
                client: item.node.value("client") ?? "", server: item.node.value("server") ?? "",
                location: item.node.location,
                clientLocation: item.node.location(of: "client"), serverLocation: item.node.location(of: "server"),
                origin: item.origin)
        }
        let bindings = body.bindings.items.map(planned)
        let membrane = body.membraneComponents.items.compactMap { entry -> ComponentPlan? in
            guard let membraneBody = entry.body else { return nil }
            return plan(name: entry.node.value("name") ?? "", body: membraneBody, definition: entry.definition, location: entry.node.location, origin: entry.origin)
        }
        var result = ComponentPlan(
            name: name, definition: definition, location: location, interfaces: interfaces,
            contentClass: body.content?.node.value("class"), contentLocation: body.content?.node.location(of: "class"),
            controller: body.controller?.node.value("desc"), controllerLocation: body.controller?.node.location(of: "desc"),
            attributesSignature: body.attributesNode?.node.value("signature"),
            attributes: body.attributes.items.map {
                .init(name: $0.node.value("name") ?? "", value: $0.node.value("value") ?? "", location: $0.node.location(of: "value"),
                      nameLocation: $0.node.location(of: "name"), origin: $0.origin)
            },
            children: children, bindings: bindings,
            virtualNode: body.virtualNode?.node.value("name"),
            virtualNodeCardinality: body.virtualNode?.node.value("cardinality"),
            virtualNodeLocation: body.virtualNode?.node.location,
            origin: origin)
        result.contentOrigin = body.content?.origin ?? origin
        result.attributesLocation = body.attributesNode?.node.location
        result.membrane = membrane
        result.membraneBindings = body.membraneBindings.map(planned)
        return result
    }

    private func interface(_ item: Body.Item, isControl: Bool) -> ComponentPlan.PlannedInterface? {
        let node = item.node
        let name = node.value("name") ?? ""
        guard let roleText = node.value("role") else {
            error(node.location, "interface '\(name)' has no role; add role=\"client\" or role=\"server\"", notes: item.origin)
            return nil
        }
        guard let signature = node.value("signature"), !signature.isEmpty else {
            error(node.location, "interface '\(name)' has no signature; add signature=\"…\" naming an @Interface protocol", notes: item.origin)
            return nil
        }
        let role: Role
        switch roleText {
        case "client", "internal-client": role = .client
        default: role = .server
        }
        let type = InterfaceType(
            name: name, signature: signature, role: role,
            contingency: node.value("contingency") == "optional" ? .optional : .mandatory,
            cardinality: Cardinality(rawValue: node.value("cardinality") ?? "singleton") ?? .singleton)
        let isInternal = roleText.hasPrefix("internal-")
        return .init(type: type, location: node.location, isControl: isControl || isInternal, isInternal: isInternal, origin: item.origin)
    }
}

import Fractal
