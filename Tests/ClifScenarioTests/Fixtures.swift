import ClifCore
import ClifScenario
import Foundation
import FractalXML
import Testing

/// Where the fixtures are, and how a test expects a diagnostic.
enum Fixtures {
    static let package: String = {
        // Tests/ClifScenarioTests/Fixtures.swift → the package folder.
        #filePath.components(separatedBy: "/Tests/").first ?? "."
    }()

    static let folder = package + "/Tests/ClifScenarioTests/Fixtures"

    static func valid(_ name: String) -> String { folder + "/valid/" + name + ".xis" }
    static func invalid(_ name: String) -> String { folder + "/invalid/" + name + ".xis" }

    /// A registry with the built-in plug-ins only (other modules may register theirs in the
    /// shared one).
    static let plugins = PluginRegistry(builtIns: true)

    /// The diagnostics `ISAC.read` throws for `path`; records an issue when it reads.
    static func readErrors(_ path: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> [Diagnostic] {
        do {
            _ = try ISAC.read(file: path)
            Issue.record("\(path) should not read", sourceLocation: sourceLocation)
            return []
        } catch {
            return error.diagnostics
        }
    }

    /// A fresh temporary folder, for files the tests make.
    static func temporaryFolder() throws -> String {
        let path = NSTemporaryDirectory() + "ClifScenarioTests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}

/// A diagnostic as a test expects it: place, and the distinctive part of the message.
struct Expected: CustomStringConvertible {
    var file: String
    var line: Int
    var column: Int
    var message: String
    var severity: Diagnostic.Severity = .error

    var description: String { "\(file):\(line):\(column): \(severity.rawValue): …\(message)…" }

    func matches(_ diagnostic: Diagnostic) -> Bool {
        diagnostic.severity == severity && diagnostic.location?.file == file && diagnostic.location?.line == line
            && diagnostic.location?.column == column && diagnostic.message.contains(message)
    }
}

func listing(_ diagnostics: [Diagnostic]) -> String {
    diagnostics.isEmpty ? "  (no diagnostics)" : diagnostics.map { "  \($0)" }.joined(separator: "\n")
}

/// Expects exactly the `expected` diagnostics, in any order.
func expectDiagnostics(_ diagnostics: [Diagnostic], _ expected: [Expected], sourceLocation: Testing.SourceLocation = #_sourceLocation) {
    for item in expected where !diagnostics.contains(where: item.matches) {
        Issue.record("expected \(item); got:\n\(listing(diagnostics))", sourceLocation: sourceLocation)
    }
    #expect(diagnostics.count == expected.count, "expected \(expected.count) diagnostics, got:\n\(listing(diagnostics))", sourceLocation: sourceLocation)
}

/// Expects `expected` to be the first diagnostic, and every one to be an error in its file (for
/// XML that is not well-formed, where libxml2 goes on about what follows).
func expectFirst(_ diagnostics: [Diagnostic], _ expected: Expected, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
    guard let first = diagnostics.first else {
        Issue.record("expected \(expected); got none", sourceLocation: sourceLocation)
        return
    }
    #expect(expected.matches(first), "the first diagnostic should be \(expected); got:\n\(listing(diagnostics))", sourceLocation: sourceLocation)
    #expect(diagnostics.allSatisfy { $0.severity == .error && $0.location?.file == expected.file },
            "every diagnostic should be an error in \(expected.file):\n\(listing(diagnostics))", sourceLocation: sourceLocation)
}

/// A place in a file (Testing has a `SourceLocation` of its own).
typealias Location = FractalXML.SourceLocation
