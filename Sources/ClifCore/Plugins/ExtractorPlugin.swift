import Foundation

/// `Extractor`: takes a value out of a text (a response body, `${http:body}`) into a variable,
/// by a regular expression or a JSON path; `${id:name}` reads it.
struct ExtractorPlugin: ScenarioPlugin {
    let descriptor = PluginDescriptor(
        name: "Extractor", summary: "a value out of a response into a variable, by regular expression or JSON path",
        controls: [OperationSpec("regex", "the first match's group (1 by default, 0 for the whole match)", [
                       ParameterSpec("input", "the text, usually ${http:body}", required: true), ParameterSpec("pattern", "a regular expression", required: true),
                       ParameterSpec("group", "the capture group (1)"), ParameterSpec("variable", "where to put it", required: true),
                       ParameterSpec("default", "the value when nothing matches (else the variable is removed)")]),
                   OperationSpec("json", "a value at a JSON path ($.a.b[0].c)", [
                       ParameterSpec("input", "the JSON text, usually ${http:body}", required: true), ParameterSpec("path", "a JSON path: $, .name, [index]", required: true),
                       ParameterSpec("variable", "where to put it", required: true), ParameterSpec("default", "the value when the path finds nothing")])],
        conditions: [OperationSpec("found", "holds when the variable has a value", [ParameterSpec("variable", "the variable", required: true)])],
        variables: nil)

    struct PreparedRegex: @unchecked Sendable {
        // NSRegularExpression is immutable and documented thread-safe.
        let expression: NSRegularExpression
    }

    func prepare(_ operation: PreparingOperation) throws -> (any Sendable)? {
        if operation.kind == .control, operation.number == 0, let pattern = operation.parameters.constant("pattern") {
            do {
                return PreparedRegex(expression: try NSRegularExpression(pattern: pattern))
            } catch {
                throw ScenarioError("'\(pattern)' is not a regular expression", parameter: "pattern")
            }
        }
        if operation.kind == .control, operation.number == 1, let path = operation.parameters.constant("path") {
            guard JSONPath(path) != nil else { throw ScenarioError("'\(path)' is not a JSON path of the form $.a.b[0]", parameter: "path") }
        }
        return nil
    }

    func makeInstance(_ context: InstanceContext) throws -> any PluginInstance { Instance() }

    final class Instance: PluginInstance {
        var values: [String: String] = [:]

        func control(_ call: OperationCall, _ session: SessionContext) async throws {
            let input = session.string("input", of: call) ?? ""
            guard let variable = session.string("variable", of: call), !variable.isEmpty else { throw ScenarioError("Extractor: 'variable' is empty") }
            let value: String?
            if call.number == 0 {
                let expression: NSRegularExpression
                if let prepared = call.prepared as? PreparedRegex { expression = prepared.expression } else {
                    expression = try NSRegularExpression(pattern: session.string("pattern", of: call) ?? "")
                }
                let group = Int(session.string("group", of: call)?.trimmedASCII ?? "") ?? 1
                let range = NSRange(input.startIndex..., in: input)
                value = expression.firstMatch(in: input, range: range).flatMap { match in
                    guard group <= match.numberOfRanges - 1 || group == 0, let found = Range(match.range(at: min(group, match.numberOfRanges - 1)), in: input) else { return nil }
                    return String(input[found])
                }
            } else {
                let path = JSONPath(session.string("path", of: call) ?? "$")
                value = path.flatMap { path in
                    (try? JSONDecoder().decode(JSONValue.self, from: Data(input.utf8))).flatMap(path.evaluate)
                }
            }
            values[variable] = value ?? session.string("default", of: call)
        }

        func condition(_ call: OperationCall, _ session: SessionContext) async throws -> Bool {
            values[session.string("variable", of: call) ?? ""] != nil
        }

        func variable(_ name: String, _ session: SessionContext) -> String? { values[name] }
    }
}

/// A small JSON path: `$`, `.name`, `['name']`, `[index]`.
struct JSONPath {
    enum Component { case key(String), index(Int) }
    let components: [Component]

    init?(_ text: String) {
        var rest = Substring(text.trimmedASCII)
        guard rest.first == "$" else { return nil }
        rest = rest.dropFirst()
        var components: [Component] = []
        while let first = rest.first {
            if first == "." {
                rest = rest.dropFirst()
                let name = rest.prefix { $0 != "." && $0 != "[" }
                guard !name.isEmpty else { return nil }
                components.append(.key(String(name)))
                rest = rest.dropFirst(name.count)
            } else if first == "[" {
                guard let close = rest.firstIndex(of: "]") else { return nil }
                let inside = rest[rest.index(after: rest.startIndex)..<close]
                if let index = Int(inside) {
                    components.append(.index(index))
                } else if inside.count >= 2, let quote = inside.first, quote == "'" || quote == "\"", inside.last == quote {
                    components.append(.key(String(inside.dropFirst().dropLast())))
                } else { return nil }
                rest = rest[rest.index(after: close)...]
            } else { return nil }
        }
        self.components = components
    }

    func evaluate(_ root: JSONValue) -> String? {
        var current = root
        for component in components {
            switch (component, current) {
            case (.key(let key), .object(let object)):
                guard let next = object[key] else { return nil }
                current = next
            case (.index(let index), .array(let array)):
                guard index >= 0, index < array.count else { return nil }
                current = array[index]
            default: return nil
            }
        }
        return current.text
    }
}

/// A JSON document, as far as a path needs it.
enum JSONValue: Decodable {
    case null, bool(Bool), number(Double), string(String), array([JSONValue]), object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([JSONValue].self) { self = .array(value) }
        else { self = .object(try container.decode([String: JSONValue].self)) }
    }

    /// The value as a variable holds it: text as is, numbers without a needless `.0`, the rest as JSON.
    var text: String {
        switch self {
        case .null: "null"
        case .bool(let value): value ? "true" : "false"
        case .number(let value): value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
        case .string(let value): value
        case .array(let values): "[" + values.map(\.json).joined(separator: ",") + "]"
        case .object(let members): "{" + members.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\($0.value.json)" }.joined(separator: ",") + "}"
        }
    }

    private var json: String {
        if case .string(let value) = self {
            return "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        return text
    }
}

import FractalXML
