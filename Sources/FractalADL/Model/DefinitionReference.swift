import FractalXML

/// `a.b.Name`, `a.b.Name(v1, v2)` or `a.b.Name(x=>v1, y=>v2)`: a definition and the values of its arguments.
struct DefinitionReference: Hashable {
    enum Values: Hashable {
        case none
        case positional([String])
        case named([(String, String)])

        static func == (lhs: Values, rhs: Values) -> Bool {
            switch (lhs, rhs) {
            case (.none, .none): true
            case let (.positional(a), .positional(b)): a == b
            case let (.named(a), .named(b)): a.map(\.0) == b.map(\.0) && a.map(\.1) == b.map(\.1)
            default: false
            }
        }

        func hash(into hasher: inout Hasher) {
            switch self {
            case .none: hasher.combine(0)
            case .positional(let values): hasher.combine(values)
            case .named(let pairs): hasher.combine(pairs.map { "\($0.0)=>\($0.1)" })
            }
        }
    }

    var name: String
    var values: Values

    /// Parses one reference; the error says what is wrong with it.
    static func parse(_ text: String) -> Result<DefinitionReference, ReferenceError> {
        let trimmed = text.trimmedASCII
        guard let open = trimmed.firstIndex(of: "(") else {
            guard !trimmed.isEmpty else { return .failure(ReferenceError("an empty definition name")) }
            return .success(DefinitionReference(name: trimmed, values: .none))
        }
        guard trimmed.hasSuffix(")") else {
            return .failure(ReferenceError("'\(trimmed)' opens '(' without closing it"))
        }
        let name = String(trimmed[..<open]).trimmedASCII
        let inner = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
        let parts = splitTopLevel(inner, on: ",").map { $0.trimmedASCII }.filter { !$0.isEmpty }
        if parts.isEmpty { return .success(DefinitionReference(name: name, values: .none)) }
        let named = parts.filter { $0.contains("=>") }
        if !named.isEmpty && named.count != parts.count {
            return .failure(ReferenceError("'\(trimmed)' mixes positional and named (name=>value) arguments; use one form"))
        }
        if named.isEmpty { return .success(DefinitionReference(name: name, values: .positional(parts))) }
        var pairs: [(String, String)] = []
        for part in parts {
            let pieces = part.components(separatedBy: "=>")
            let key = pieces[0].trimmedASCII
            guard pieces.count == 2, !key.isEmpty else { return .failure(ReferenceError("'\(part)' is not name=>value")) }
            pairs.append((key, pieces[1].trimmedASCII))
        }
        return .success(DefinitionReference(name: name, values: .named(pairs)))
    }

    /// Splits `text` on `separator` outside parentheses.
    static func splitTopLevel(_ text: String, on separator: Character) -> [String] {
        var parts: [String] = []
        var current = ""
        var depth = 0
        for character in text {
            if character == "(" { depth += 1 }
            if character == ")" { depth -= 1 }
            if character == separator && depth == 0 {
                parts.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        parts.append(current)
        return parts
    }
}

struct ReferenceError: Error {
    var message: String
    init(_ message: String) { self.message = message }
}

/// `arguments="a,b=default"`: declared arguments and their defaults.
struct ArgumentDeclaration: Hashable {
    var name: String
    var defaultValue: String?

    /// The declarations of `text`; those without a name are left out (see ``unnamed(in:)``).
    static func parse(_ text: String) -> [ArgumentDeclaration] {
        text.split(separator: ",").compactMap { part in
            let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                .map { $0.trimmedASCII }
            guard let name = pieces.first, !name.isEmpty else { return nil }
            return ArgumentDeclaration(name: name, defaultValue: pieces.count > 1 ? pieces[1] : nil)
        }
    }

    /// True when `text` declares an argument without a name (`arguments="=5"` or `"a,,b"`).
    static func hasUnnamed(in text: String) -> Bool {
        text.split(separator: ",", omittingEmptySubsequences: false).contains { part in
            (part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
                .trimmedASCII.isEmpty
        } && !text.trimmedASCII.isEmpty
    }
}
