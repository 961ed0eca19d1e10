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
        guard balancedQuotes(inner) else {
            return .failure(ReferenceError("'\(trimmed)' opens a quote (') without closing it; write '' for a quote inside a quoted value"))
        }
        let parts = splitTopLevel(inner, on: ",").map { $0.trimmedASCII }.filter { !$0.isEmpty }
        if parts.isEmpty { return .success(DefinitionReference(name: name, values: .none)) }
        let named = parts.filter { arrow(in: $0) != nil }
        if !named.isEmpty && named.count != parts.count {
            return .failure(ReferenceError("'\(trimmed)' mixes positional and named (name=>value) arguments; use one form"))
        }
        if named.isEmpty { return .success(DefinitionReference(name: name, values: .positional(parts.map(unquoted)))) }
        var pairs: [(String, String)] = []
        for part in parts {
            guard let arrow = arrow(in: part) else { return .failure(ReferenceError("'\(part)' is not name=>value")) }
            let key = String(part[..<arrow.lowerBound]).trimmedASCII
            let value = String(part[arrow.upperBound...])
            guard !key.isEmpty, Self.arrow(in: value) == nil else { return .failure(ReferenceError("'\(part)' is not name=>value")) }
            pairs.append((key, unquoted(value)))
        }
        return .success(DefinitionReference(name: name, values: .named(pairs)))
    }

    /// Splits `text` on `separator` outside parentheses and quotes.
    static func splitTopLevel(_ text: String, on separator: Character) -> [String] {
        var parts: [String] = []
        var current = ""
        var scanner = ReferenceScanner()
        for character in text {
            if scanner.read(character) && character == separator && scanner.depth == 0 {
                parts.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        parts.append(current)
        return parts
    }

    // MARK: Quoted values

    /// A value as a reference must write it to come back unchanged: quoted (`'a, b'`, with
    /// `''` for a quote) when it holds anything a reference reads as structure.
    static func quoted(_ value: String) -> String {
        guard value.contains(where: { ",()'=>".contains($0) }) || value.trimmedASCII != value || value.isEmpty else { return value }
        return "'" + value.replacingOccurrences(of: "'", with: "''") + "'"
    }

    /// A written value read back: quoted segments taken as they are (`''` is a quote), the
    /// rest trimmed of outer spaces.
    static func unquoted(_ text: String) -> String {
        let trimmed = text.trimmedASCII
        guard trimmed.contains("'") else { return trimmed }
        var value = ""
        var quoted = false
        var characters = trimmed[...]
        while let character = characters.popFirst() {
            if character == "'" {
                if quoted, characters.first == "'" {
                    value.append("'")
                    characters.removeFirst()
                } else {
                    quoted.toggle()
                }
            } else {
                value.append(character)
            }
        }
        return value
    }

    /// The first `=>` outside quotes.
    private static func arrow(in text: String) -> Range<String.Index>? {
        var scanner = ReferenceScanner()
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            let next = text.index(after: index)
            if scanner.read(character), character == "=", next < text.endIndex, text[next] == ">" { return index..<text.index(after: next) }
            index = next
        }
        return nil
    }

    private static func balancedQuotes(_ text: String) -> Bool {
        text.reduce(0) { $0 + ($1 == "'" ? 1 : 0) } % 2 == 0
    }
}

/// Where a reading of a reference stands: inside how many parentheses, inside a quote or not.
struct ReferenceScanner {
    private(set) var depth = 0
    private(set) var quoted = false

    /// Reads `character`; true when it is structure (outside quotes, and not a quote itself).
    mutating func read(_ character: Character) -> Bool {
        if character == "'" {
            quoted.toggle()
            return false
        }
        guard !quoted else { return false }
        if character == "(" { depth += 1 } else if character == ")" { depth -= 1 }
        return true
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
