import FractalXML

/// A problem with a scenario: at compile time located in its file, at run time raised as an alarm.
public struct ScenarioError: Error, Sendable, CustomStringConvertible {
    public var message: String
    /// The parameter at fault, when there is one: the compiler points at it.
    public var parameter: String?
    public var location: SourceLocation?

    public init(_ message: String, parameter: String? = nil, location: SourceLocation? = nil) {
        self.message = message
        self.parameter = parameter
        self.location = location
    }

    public var description: String { location.map { "\($0): error: \(message)" } ?? message }
}

/// Every problem of a scenario, thrown when at least one is an error.
public struct ScenarioDiagnostics: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]

    public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }

    public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }

    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
