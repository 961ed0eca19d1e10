/// One problem found in a file the framework reads (an architecture, a deployment descriptor,
/// a scenario), located like a compiler's.
///
/// `description` reads `file:line:column: error: message`, followed by one `note:` line per
/// definition the problem was inherited through (`extends`) or instantiated from.
public struct Diagnostic: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable, Codable {
        case error
        case warning
        /// Not a problem: what could not be checked, and why.
        case note
    }

    public var severity: Severity
    public var location: SourceLocation?
    public var message: String
    /// Where the problem came from, innermost first: `(location, "in definition X, extended by Y")`.
    public var notes: [Note]

    public struct Note: Sendable, Hashable, Codable {
        public var location: SourceLocation?
        public var message: String

        public init(location: SourceLocation?, message: String) {
            self.location = location
            self.message = message
        }
    }

    public init(_ severity: Severity = .error, at location: SourceLocation?, _ message: String, notes: [Note] = []) {
        self.severity = severity
        self.location = location
        self.message = message
        self.notes = notes
    }

    public var description: String {
        var text = "\(location.map { "\($0): " } ?? "")\(severity.rawValue): \(message)"
        for note in notes {
            text += "\n\(note.location.map { "\($0): " } ?? "")note: \(note.message)"
        }
        return text
    }
}

/// Collects diagnostics while a file is read or checked: each problem once, in the order found.
package struct DiagnosticLog {
    package private(set) var diagnostics: [Diagnostic] = []
    private var seen: Set<Diagnostic> = []

    package init() {}

    package var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    package mutating func error(_ location: SourceLocation?, _ message: String, notes: [Diagnostic.Note] = []) {
        append(Diagnostic(.error, at: location, message, notes: notes))
    }

    package mutating func warning(_ location: SourceLocation?, _ message: String, notes: [Diagnostic.Note] = []) {
        append(Diagnostic(.warning, at: location, message, notes: notes))
    }

    package mutating func note(_ location: SourceLocation?, _ message: String, notes: [Diagnostic.Note] = []) {
        append(Diagnostic(.note, at: location, message, notes: notes))
    }

    package mutating func append(_ diagnostic: Diagnostic) {
        if seen.insert(diagnostic).inserted { diagnostics.append(diagnostic) }
    }

    package mutating func append(contentsOf other: [Diagnostic]) {
        for diagnostic in other { append(diagnostic) }
    }
}
