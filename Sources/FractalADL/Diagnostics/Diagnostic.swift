/// One problem found in an architecture description, located like a compiler's.
///
/// `description` reads `file:line:column: error: message`, followed by one `note:` line per
/// definition the problem was inherited through (`extends`) or instantiated from.
public struct Diagnostic: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable, Codable {
        case error
        case warning
    }

    public var severity: Severity
    public var location: SourceLocation?
    public var message: String
    /// Where the problem came from, innermost first: `(location, "in definition X, extended by Y")`.
    public var notes: [Note]

    public struct Note: Sendable, Hashable, Codable {
        public var location: SourceLocation?
        public var message: String
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

/// The problems of a load, all of them: thrown when at least one is an error.
public struct ADLError: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]

    public init(_ diagnostics: [Diagnostic]) {
        self.diagnostics = diagnostics
    }

    public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }

    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}

/// Collects diagnostics during a load.
struct DiagnosticLog {
    private(set) var diagnostics: [Diagnostic] = []
    private var seen: Set<Diagnostic> = []

    var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    mutating func error(_ location: SourceLocation?, _ message: String, notes: [Diagnostic.Note] = []) {
        append(Diagnostic(.error, at: location, message, notes: notes))
    }

    mutating func warning(_ location: SourceLocation?, _ message: String, notes: [Diagnostic.Note] = []) {
        append(Diagnostic(.warning, at: location, message, notes: notes))
    }

    mutating func append(_ diagnostic: Diagnostic) {
        if seen.insert(diagnostic).inserted { diagnostics.append(diagnostic) }
    }

    mutating func append(contentsOf other: [Diagnostic]) {
        for diagnostic in other { append(diagnostic) }
    }
}
