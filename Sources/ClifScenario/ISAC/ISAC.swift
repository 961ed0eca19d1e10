import ClifCore
import Foundation
import FractalXML

/// CLIF's ISAC scenario files (`.xis`), read into a ``ClifCore/Scenario``.
///
/// Files are read as CLIF's GUI writes them: the `<!DOCTYPE scenario SYSTEM "classpath:…">` is
/// never fetched nor required (nothing is fetched at all), the GUI's `<param name="id" value=''/>`
/// is ignored wherever it appears, and the structure is checked here instead of by a DTD, so
/// that each problem is reported at its `file:line:column` with what to write instead. Every
/// element's place goes into the model (each parameter at its `<param>`), so that
/// ``ClifCore/CompiledScenario`` points into the file too.
///
/// A `<ramp>` with more than two points becomes consecutive ramps of its style.
///
/// Problems of the file itself (not XML, not the ISAC structure) are found first; those of the
/// scenario against the plug-ins (an unknown plug-in or operation, a `${id:variable}` that names
/// nothing, a ramp going back in time) once the file reads cleanly, so that an element left out
/// for a problem does not echo as a missing reference.
public enum ISAC {
    /// Larger files are refused before they are read: no real scenario comes near it.
    public static let maximumFileSize = 64 << 20

    /// Reads the scenario file at `path`; its directory (where `Context` or `CsvProvider` find
    /// their files) is the file's folder.
    ///
    /// - Throws: ``ClifCore/ScenarioDiagnostics`` listing every problem of the file, located.
    public static func read(file path: String) throws(ScenarioDiagnostics) -> Scenario {
        try scenario(of: reading(file: path))
    }

    /// Reads a scenario from `bytes`, the content of `file` (the name diagnostics give), whose
    /// files are looked up in `directory`.
    ///
    /// - Throws: ``ClifCore/ScenarioDiagnostics`` listing every problem, located in `file`.
    public static func read(_ bytes: [UInt8], file: String, directory: String) throws(ScenarioDiagnostics) -> Scenario {
        try scenario(of: reading(bytes, file: file, directory: directory))
    }

    /// Every problem of the scenario file at `path`, errors and warnings: those of the file, or,
    /// when it reads cleanly, those of compiling it against `plugins`.
    public static func check(file path: String, plugins: PluginRegistry = .shared) -> [Diagnostic] {
        check(reading(file: path), plugins: plugins)
    }

    /// Every problem of a scenario given as `bytes` (see ``check(file:plugins:)``).
    public static func check(_ bytes: [UInt8], file: String, directory: String, plugins: PluginRegistry = .shared) -> [Diagnostic] {
        check(reading(bytes, file: file, directory: directory), plugins: plugins)
    }

    /// Reads the scenario file at `path` and compiles it against `plugins`: what the engine runs.
    ///
    /// - Throws: ``ClifCore/ScenarioDiagnostics`` with every problem found, those of reading the
    ///   file or those of compiling it (with the compiler's warnings).
    public static func compile(file path: String, plugins: PluginRegistry = .shared) throws(ScenarioDiagnostics) -> CompiledScenario {
        try compile(reading(file: path), plugins: plugins)
    }

    /// Reads a scenario given as `bytes` and compiles it (see ``compile(file:plugins:)``).
    public static func compile(_ bytes: [UInt8], file: String, directory: String, plugins: PluginRegistry = .shared) throws(ScenarioDiagnostics) -> CompiledScenario {
        try compile(reading(bytes, file: file, directory: directory), plugins: plugins)
    }

    // MARK: - Reading

    /// What reading a file gave: the scenario (nil when the file is not XML at all) and every
    /// problem found.
    struct Reading {
        var scenario: Scenario?
        var diagnostics: [Diagnostic]

        var isClean: Bool { scenario != nil && !diagnostics.contains { $0.severity == .error } }
    }

    static func reading(file path: String) -> Reading {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            return Reading(diagnostics: [Diagnostic(at: nil, "no such file: \(path)")])
        }
        guard !isDirectory.boolValue else {
            return Reading(diagnostics: [Diagnostic(at: nil, "\(path) is a directory, not a scenario file (.xis)")])
        }
        let unreadable = Reading(diagnostics: [Diagnostic(at: nil, "cannot read \(path) (check its permissions)")])
        guard let handle = FileHandle(forReadingAtPath: path) else { return unreadable }
        defer { try? handle.close() }
        // A bounded read: a device such as /dev/zero has no size and no end.
        guard let data = try? handle.read(upToCount: maximumFileSize + 1) ?? Data() else { return unreadable }
        guard data.count <= maximumFileSize else {
            return Reading(diagnostics: [Diagnostic(at: SourceLocation(file: path, line: 1, column: 1), "the file has more than \(maximumFileSize) bytes; a scenario file is at most \(maximumFileSize) bytes")])
        }
        return reading(Array(data), file: path, directory: directory(of: path))
    }

    static func reading(_ bytes: [UInt8], file: String, directory: String) -> Reading {
        guard bytes.count <= maximumFileSize else {
            return Reading(diagnostics: [tooLarge(file, bytes.count)])
        }
        let xml = XMLReader.read(bytes, file: file)
        // libxml2 says some things once per occurrence (an entity loop, at each reference).
        var log = DiagnosticLog()
        log.append(contentsOf: xml.diagnostics)
        guard let root = xml.root else { return Reading(diagnostics: log.diagnostics) }
        var reader = ISACReader()
        let scenario = reader.scenario(root, directory: directory)
        log.append(contentsOf: reader.log.diagnostics)
        return Reading(scenario: scenario, diagnostics: log.diagnostics)
    }

    private static func tooLarge(_ file: String, _ size: Int) -> Diagnostic {
        Diagnostic(at: SourceLocation(file: file, line: 1, column: 1), "the file is \(size) bytes; a scenario file is at most \(maximumFileSize) bytes")
    }

    /// The folder of `path` as written (`.` for a bare file name).
    package static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    private static func scenario(of reading: Reading) throws(ScenarioDiagnostics) -> Scenario {
        guard reading.isClean, let scenario = reading.scenario else { throw ScenarioDiagnostics(reading.diagnostics) }
        return scenario
    }

    private static func check(_ reading: Reading, plugins: PluginRegistry) -> [Diagnostic] {
        guard reading.isClean, let scenario = reading.scenario else { return reading.diagnostics }
        return reading.diagnostics + CompiledScenario.check(scenario, plugins: plugins)
    }

    private static func compile(_ reading: Reading, plugins: PluginRegistry) throws(ScenarioDiagnostics) -> CompiledScenario {
        let scenario = try scenario(of: reading)
        do {
            return try CompiledScenario(scenario, plugins: plugins)
        } catch {
            throw ScenarioDiagnostics(reading.diagnostics + error.diagnostics)
        }
    }
}
