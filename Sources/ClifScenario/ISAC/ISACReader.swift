import ClifCore
import FractalXML

/// Turns the element tree of a `.xis` file into a ``Scenario``, checking its structure the way
/// CLIF's DTD would, with messages located at the element or attribute at fault that say what
/// to write instead.
///
/// A problem is reported and the element at fault left out; the rest is still read, so that
/// one pass reports every structural problem of the file.
struct ISACReader {
    /// Steps nested deeper are refused. libxml2 already stops at 256 elements; this bound keeps
    /// the walk (which recurses) safe whatever tree it is given.
    static let maximumNesting = 128

    private(set) var log = DiagnosticLog()

    mutating func scenario(_ root: XMLNode, directory: String) -> Scenario {
        var scenario = Scenario(directory: directory, location: root.location)
        guard root.name == "scenario" else {
            log.error(root.location, "the root element is <\(ISACGrammar.shortened(root.name))>; an ISAC scenario's root is <scenario>, holding <behaviors> and <loadprofile>")
            return scenario
        }
        checkAttributes(of: root)
        var behaviors: XMLNode?
        var profile: XMLNode?
        for child in elements(of: root) {
            switch child.name {
            case "behaviors":
                if behaviors != nil {
                    log.error(child.location, "a second <behaviors>: a scenario has one, holding <plugins> and every <behavior>")
                } else {
                    behaviors = child
                    read(behaviors: child, into: &scenario)
                }
            default:
                if profile != nil {
                    log.error(child.location, "a second <loadprofile>: a scenario has one, holding a <group> per behaviour")
                } else {
                    profile = child
                    scenario.groups = elements(of: child).compactMap { group($0) }
                }
            }
        }
        if behaviors == nil {
            log.error(root.location, "<scenario> has no <behaviors>: add <behaviors><plugins>…</plugins><behavior id=\"B0\">…</behavior></behaviors>")
        }
        return scenario
    }

    // MARK: - Plug-ins and behaviours

    private mutating func read(behaviors node: XMLNode, into scenario: inout Scenario) {
        var plugins: XMLNode?
        for child in elements(of: node) {
            if child.name == "plugins" {
                if let plugins {
                    log.error(child.location, "a second <plugins> (the first is at line \(plugins.location.line)): declare every <use> in one")
                    continue
                }
                plugins = child
                scenario.plugins = elements(of: child).compactMap { use($0) }
            } else if let behavior = behavior(child) {
                scenario.behaviors.append(behavior)
            }
        }
    }

    private mutating func use(_ node: XMLNode) -> PluginUse? {
        let id = required("id", of: node)
        let plugin = required("name", of: node)
        let parameters = parameters(of: node)
        guard let id, let plugin else { return nil }
        return PluginUse(id: id, plugin: plugin, parameters: parameters, location: node.location)
    }

    private mutating func behavior(_ node: XMLNode) -> Behavior? {
        let id = required("id", of: node)
        let steps = steps(elements(of: node), depth: 1)
        guard let id else { return nil }
        return Behavior(id: id, steps: steps, location: node.location)
    }

    /// The `<params>` of a `<use>` or an operation, each entry located at its `<param>`.
    private mutating func parameters(of node: XMLNode) -> Parameters {
        var values: [(name: String, value: String, location: SourceLocation?)] = []
        var seen: [String: SourceLocation] = [:]
        var params: XMLNode?
        for child in elements(of: node) {
            if let params {
                log.error(child.location, "a second <params> in <\(node.name)> (the first is at line \(params.location.line)): put every <param> in one")
                continue
            }
            params = child
            for param in elements(of: child) {
                let name = required("name", of: param)
                guard let value = param.value("value") else {
                    log.error(param.location, "<param> needs attribute 'value': \(ISACGrammar.help(for: "value", of: "param"))")
                    continue
                }
                guard let name else { continue }
                if let first = seen[name] {
                    log.error(param.location, "parameter '\(ISACGrammar.shortened(name))' is given twice in <\(node.name)> (first at line \(first.line)); keep one")
                    continue
                }
                seen[name] = param.location
                values.append((name, value, param.location))
            }
        }
        return Parameters(located: values)
    }

    // MARK: - Steps

    private mutating func steps(_ nodes: [XMLNode], depth: Int) -> [Step] {
        nodes.compactMap { step($0, depth: depth) }
    }

    private mutating func step(_ node: XMLNode, depth: Int) -> Step? {
        if depth > Self.maximumNesting {
            log.error(node.location, "steps are nested more than \(Self.maximumNesting) deep here; move the inner steps to a behaviour of their own")
            return nil
        }
        switch node.name {
        case "sample": return operation(node).map(Step.sample)
        case "timer": return operation(node).map(Step.timer)
        case "control": return operation(node).map(Step.control)
        case "while", "preemptive":
            let children = elements(of: node)
            let condition = condition(of: node, in: children)
            let body = steps(children.filter { $0.name != "condition" }, depth: depth + 1)
            guard let condition else { return nil }
            return node.name == "while" ? .whileLoop(condition, body: body) : .preemptive(condition, body: body)
        case "if":
            return ifThen(node, depth: depth)
        case "nchoice":
            return nchoice(node, depth: depth)
        default:
            // Unknown elements were reported by `elements(of:)`, which let no other through.
            return nil
        }
    }

    /// `<sample>`, `<timer>`, `<control>` or `<condition>`: `use`, `name` and `<params>`.
    private mutating func operation(_ node: XMLNode) -> OperationUse? {
        let use = required("use", of: node)
        let name = required("name", of: node)
        let parameters = parameters(of: node)
        guard let use, let name else { return nil }
        return OperationUse(use: use, name: name, parameters: parameters, location: node.location)
    }

    /// The one `<condition>` among `children` of a `<while>`, `<if>` or `<preemptive>`.
    private mutating func condition(of node: XMLNode, in children: [XMLNode]) -> OperationUse? {
        let conditions = children.filter { $0.name == "condition" }
        guard let first = conditions.first else {
            log.error(node.location, "<\(node.name)> needs a <condition use=\"…\" name=\"…\"> as its first child (e.g. <condition use=\"common\" name=\"true\"/>)")
            return nil
        }
        for extra in conditions.dropFirst() {
            log.error(extra.location, "a second <condition> in <\(node.name)> (the first is at line \(first.location.line)): it takes one")
        }
        return operation(first)
    }

    private mutating func ifThen(_ node: XMLNode, depth: Int) -> Step? {
        let children = elements(of: node)
        let condition = condition(of: node, in: children)
        var branches: [String: [Step]] = [:]
        for branch in children where branch.name != "condition" {
            if branches[branch.name] != nil {
                log.error(branch.location, "a second <\(branch.name)> in <if>: it takes one <then> and at most one <else>")
                continue
            }
            branches[branch.name] = steps(elements(of: branch), depth: depth + 1)
        }
        guard let then = branches["then"] else {
            log.error(node.location, "<if> needs a <then> holding the steps to run when the condition holds (and may have an <else>)")
            return nil
        }
        guard let condition else { return nil }
        return .ifThen(condition, then: then, else: branches["else"] ?? [])
    }

    private mutating func nchoice(_ node: XMLNode, depth: Int) -> Step? {
        let children = elements(of: node)
        if children.isEmpty {
            log.error(node.location, "an <nchoice> needs at least one <choice proba=\"…\"> holding steps")
            return nil
        }
        var choices: [Step.Choice] = []
        var valid = true
        for child in children {
            let weight = proba(of: child)
            let steps = steps(elements(of: child), depth: depth + 1)
            if let weight {
                choices.append(Step.Choice(weight: weight, steps: steps, location: child.location))
            } else {
                valid = false
            }
        }
        return valid ? .nchoice(choices) : nil
    }

    /// A choice's weight: a whole number, bounded so that the weights' sum cannot overflow.
    private mutating func proba(of node: XMLNode) -> Int? {
        guard let text = required("proba", of: node) else { return nil }
        let place = node.location(of: "proba")
        guard let weight = Int(text.trimmedASCII), weight > 0 else {
            log.error(place, "proba must be a whole number above 0 (a weight: proba=\"9\" and proba=\"1\" mean 90 % and 10 %), not \(ISACGrammar.quoted(text))")
            return nil
        }
        guard weight <= Self.maximumWeight else {
            log.error(place, "proba \(weight) is too large: weights are at most \(Self.maximumWeight); only their ratios count")
            return nil
        }
        return weight
    }

    static let maximumWeight = 1_000_000_000

    // MARK: - Load profile

    private mutating func group(_ node: XMLNode) -> PopulationGroup? {
        let behavior = required("behavior", of: node)
        var forceStop = true
        if let attribute = node[attribute: "forceStop"] {
            switch attribute.value.trimmedASCII.lowercased() {
            case "true": forceStop = true
            case "false": forceStop = false
            default:
                log.error(attribute.location, "forceStop is true (sessions still running at the end are stopped) or false (they finish), not \(ISACGrammar.quoted(attribute.value))")
            }
        }
        let ramps = elements(of: node).flatMap { self.ramps($0) }
        guard let behavior else { return nil }
        return PopulationGroup(behavior: behavior, ramps: ramps, forceStop: forceStop, location: node.location)
    }

    /// A `<ramp>`: one segment per pair of consecutive points, all of its style. The first
    /// segment is located at the `<ramp>`, each further one at the `<point>` it starts from.
    private mutating func ramps(_ node: XMLNode) -> [Ramp] {
        var style: Ramp.Style?
        if let text = required("style", of: node) {
            style = Ramp.Style(rawValue: text)
            if style == nil {
                let guess = ISACGrammar.suggestion(for: text, among: Ramp.Style.allCases.map(\.rawValue)).map { " (did you mean '\($0)'?)" } ?? ""
                log.error(node.location(of: "style"), "unknown ramp style \(ISACGrammar.quoted(text))\(guess); the styles are \(ISACGrammar.rampStyles)")
            }
        }
        let children = elements(of: node)
        guard let pointsNode = children.first else {
            log.error(node.location, "a <ramp> needs <points> with at least two <point x=\"…\" y=\"…\"/>")
            return []
        }
        for extra in children.dropFirst() {
            log.error(extra.location, "a second <points> in <ramp>: a ramp has one, with all its points in order")
        }
        var points: [(point: Ramp.Point, location: SourceLocation)] = []
        var valid = true
        for point in elements(of: pointsNode) {
            let x = number("x", of: point, limit: Self.maximumSeconds, meaning: "seconds since the start")
            let y = number("y", of: point, limit: Self.maximumSessions, meaning: "active sessions")
            if let x, let y {
                points.append((Ramp.Point(x: x, y: y), point.location))
            } else {
                valid = false
            }
        }
        if valid && points.count < 2 {
            log.error(pointsNode.location, "a ramp needs at least two points, from where it starts to where it ends; this one has \(points.count)")
            return []
        }
        guard valid, let style else { return [] }
        return (1..<points.count).map { index in
            Ramp(style, from: points[index - 1].point, to: points[index].point,
                 location: index == 1 ? node.location : points[index - 1].location)
        }
    }

    /// Bounds on point coordinates: beyond them a value is a mistake (or hostile) and would
    /// overflow the engine's whole-number arithmetic.
    static let maximumSeconds = 1e9
    static let maximumSessions = 1e7

    private mutating func number(_ name: String, of node: XMLNode, limit: Double, meaning: String) -> Double? {
        guard let text = required(name, of: node) else { return nil }
        guard let value = Double(text.trimmedASCII), value.isFinite else {
            log.error(node.location(of: name), "\(name) must be a number (\(meaning)), not \(ISACGrammar.quoted(text))")
            return nil
        }
        guard abs(value) <= limit else {
            log.error(node.location(of: name), "\(name) = \(ISACGrammar.quoted(text)) is out of range: at most \(Int(limit)) \(meaning)")
            return nil
        }
        return value
    }

    // MARK: - Structure

    /// The child elements of `node` its grammar allows, with their attributes checked; the
    /// GUI's `<param name="id">` is skipped, anything else is reported.
    private mutating func elements(of node: XMLNode) -> [XMLNode] {
        let allowed = ISACGrammar.children[node.name] ?? []
        var result: [XMLNode] = []
        for child in node.children {
            if child.name == "param", child.value("name") == "id" { continue }
            guard allowed.contains(child.name) else {
                report(unknown: child, in: node, allowed: allowed)
                continue
            }
            checkAttributes(of: child)
            result.append(child)
        }
        return result
    }

    private mutating func report(unknown child: XMLNode, in node: XMLNode, allowed: [String]) {
        let name = ISACGrammar.shortened(child.name)
        if allowed.isEmpty {
            log.error(child.location, "<\(node.name)> takes no child elements; remove <\(name)>")
            return
        }
        var message = "unknown element <\(name)> in <\(node.name)>"
        if let hint = ISACGrammar.hint(unknown: child.name, in: node.name) {
            message += " (\(hint))"
        } else if let guess = ISACGrammar.suggestion(for: child.name, among: allowed) {
            message += "; did you mean <\(guess)>?"
        }
        message += "; allowed there: \(ISACGrammar.list(allowed))"
        log.error(child.location, message)
    }

    private mutating func checkAttributes(of node: XMLNode) {
        let allowed = ISACGrammar.attributes[node.name] ?? []
        for attribute in node.attributes where !allowed.contains(attribute.name) {
            let name = ISACGrammar.shortened(attribute.name)
            if allowed.isEmpty {
                log.error(attribute.location, "<\(node.name)> takes no attributes; remove '\(name)'")
                continue
            }
            let guess = ISACGrammar.suggestion(for: attribute.name, among: allowed).map { "; did you mean '\($0)'?" } ?? ""
            log.error(attribute.location, "unknown attribute '\(name)' on <\(node.name)>\(guess) (its attributes: \(allowed.joined(separator: ", ")))")
        }
    }

    /// The value of a required attribute, or nil when it is missing or blank (reported).
    private mutating func required(_ name: String, of node: XMLNode) -> String? {
        guard let attribute = node[attribute: name] else {
            log.error(node.location, "<\(node.name)> needs attribute '\(name)': \(ISACGrammar.help(for: name, of: node.name))")
            return nil
        }
        guard !attribute.value.trimmedASCII.isEmpty else {
            log.error(attribute.location, "attribute '\(name)' of <\(node.name)> is empty: give \(ISACGrammar.help(for: name, of: node.name))")
            return nil
        }
        return attribute.value
    }
}
