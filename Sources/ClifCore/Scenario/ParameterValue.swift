import FractalXML

/// A parameter's text with its `${instance:variable}` references found once, when the scenario
/// is read, so that a call only joins pieces.
public struct ParameterValue: Sendable, Hashable, CustomStringConvertible {
    public enum Piece: Sendable, Hashable {
        case text(String)
        /// `${instance:variable}`; an empty variable is the instance's default value.
        case variable(instance: String, name: String)
    }

    public let pieces: [Piece]
    /// The text as written.
    public let source: String

    public init(_ source: String) {
        self.source = source
        self.pieces = Self.parse(source)
    }

    /// The value when it holds no reference.
    public var constant: String? {
        switch pieces.count {
        case 0: ""
        case 1: if case .text(let text) = pieces[0] { text } else { nil }
        default: nil
        }
    }

    public var references: [(instance: String, name: String)] {
        pieces.compactMap { if case .variable(let instance, let name) = $0 { (instance, name) } else { nil } }
    }

    public var description: String { source }

    /// `${a:b}` is a reference; `${` without `:` or `}` stays text, as ISAC leaves it.
    private static func parse(_ source: String) -> [Piece] {
        guard source.containsSubstitution else { return source.isEmpty ? [] : [.text(source)] }
        var pieces: [Piece] = []
        var rest = Substring(source)
        var text = ""
        while let open = rest.range(of: "${") {
            text += rest[..<open.lowerBound]
            let after = rest[open.upperBound...]
            guard let close = after.firstIndex(of: "}"), let colon = after[..<close].firstIndex(of: ":") else {
                text += "${"
                rest = after
                continue
            }
            if !text.isEmpty { pieces.append(.text(text)); text = "" }
            pieces.append(.variable(instance: String(after[..<colon]), name: String(after[after.index(after: colon)..<close])))
            rest = after[after.index(after: close)...]
        }
        text += rest
        if !text.isEmpty { pieces.append(.text(text)) }
        return pieces
    }
}

/// The parameters of a plug-in use or an operation, by name, with where each was written.
public struct Parameters: Sendable {
    public struct Entry: Sendable {
        public var value: ParameterValue
        public var location: SourceLocation?

        public init(value: ParameterValue, location: SourceLocation?) {
            self.value = value
            self.location = location
        }
    }

    public private(set) var entries: [String: Entry]

    public init(_ values: [String: String] = [:]) {
        entries = values.mapValues { Entry(value: ParameterValue($0), location: nil) }
    }

    public init(entries: [String: Entry]) {
        self.entries = entries
    }

    public subscript(name: String) -> ParameterValue? {
        get { entries[name]?.value }
        set { entries[name] = newValue.map { Entry(value: $0, location: entries[name]?.location) } }
    }

    public func location(of name: String) -> SourceLocation? { entries[name]?.location }

    public var names: [String] { entries.keys.sorted() }

    /// A parameter that holds no reference, as text (nil when absent).
    public func constant(_ name: String) -> String? { entries[name]?.value.constant }
}

extension ParameterValue {
    /// The elements of a `;`-terminated list (`'a;b;'`), as ISAC writes lists and checkboxes.
    public static func list(_ text: String) -> [String] {
        text.split(separator: ";", omittingEmptySubsequences: true).map { $0.trimmedASCII }.filter { !$0.isEmpty }
    }
}
