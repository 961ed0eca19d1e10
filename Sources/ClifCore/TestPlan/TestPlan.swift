import Foundation
import FractalXML

/// A CLIF test plan (`.ctp`): the blades of a test, each an injector or a probe on a server.
///
/// Read as `java.util.Properties.store()` writes it: keys in hash order, `\=` and `\:` escapes,
/// CRLF or LF, `#` comments. Per blade N (an index only):
/// `blade.N.id`, `blade.N.server` (`local host` is the local one), `blade.N.injector=<class>`
/// or `blade.N.probe=<class>`, `blade.N.argument`, `blade.N.comment`.
public struct TestPlan: Sendable, Hashable {
    public var blades: [Blade]
    /// The file it was read from, if any.
    public var file: String?

    public init(blades: [Blade], file: String? = nil) {
        self.blades = blades
        self.file = file
    }

    /// CLIF's name for the server of the launching host.
    public static let localHost = "local host"

    /// Reads a test plan file.
    ///
    /// - Throws: ``ScenarioDiagnostics`` with every problem at `file:line:column`.
    public static func read(file path: String) throws(ScenarioDiagnostics) -> TestPlan {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ScenarioDiagnostics([Diagnostic(at: SourceLocation(file: path, line: 1, column: 1), "cannot read the test plan \(path)")])
        }
        // Properties files are ISO 8859-1 unless they are valid UTF-8.
        let text = String(data: data, encoding: .utf8) ?? String(decoding: data.map { UInt16($0) }, as: UTF16.self)
        return try parse(text, file: path)
    }

    /// Parses the text of a test plan; `file` names it in diagnostics.
    public static func parse(_ text: String, file: String) throws(ScenarioDiagnostics) -> TestPlan {
        var problems: [Diagnostic] = []
        var fields: [Int: [String: JavaProperties.Entry]] = [:]
        func at(_ entry: JavaProperties.Entry) -> SourceLocation { SourceLocation(file: file, line: entry.line, column: entry.column) }
        for entry in JavaProperties.parseLocated(text) {
            let parts = entry.key.split(separator: ".", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3, parts[0] == "blade", let index = Int(parts[1]), index >= 0 else {
                problems.append(Diagnostic(.warning, at: at(entry), "'\(entry.key)' is not a test plan key (blade.N.id, .server, .injector, .probe, .argument, .comment); ignored"))
                continue
            }
            let field = String(parts[2])
            guard Blade.fields.contains(field) else {
                problems.append(Diagnostic(.warning, at: at(entry), "unknown blade field '\(field)' (known: \(Blade.fields.sorted().joined(separator: ", "))); ignored"))
                continue
            }
            if let earlier = fields[index]?[field] {
                problems.append(Diagnostic(.warning, at: at(entry), "blade.\(index).\(field) is set twice (first at line \(earlier.line)); the last one counts"))
            }
            fields[index, default: [:]][field] = entry
        }
        var blades: [Blade] = []
        var seenIDs: [String: SourceLocation] = [:]
        for (index, entries) in fields.sorted(by: { $0.key < $1.key }) {
            let first = entries.values.min { ($0.line, $0.column) < ($1.line, $1.column) }!
            let location = at(first)
            func value(_ field: String) -> String? { entries[field]?.value }
            let kind: Blade.Kind
            switch (value("injector"), value("probe")) {
            case (let injector?, nil) where !injector.isEmpty: kind = .injector(injector)
            case (nil, let probe?) where !probe.isEmpty: kind = .probe(probe)
            case (.some, .some):
                problems.append(Diagnostic(at: at(entries["probe"]!), "blade \(index) is both an injector and a probe: keep blade.\(index).injector or blade.\(index).probe"))
                continue
            default:
                problems.append(Diagnostic(at: location, "blade \(index) has no class: add blade.\(index).injector=IsacRunner (with blade.\(index).argument=scenario.xis) or blade.\(index).probe=cpu"))
                continue
            }
            guard let id = value("id"), !id.isEmpty else {
                problems.append(Diagnostic(at: location, "blade \(index) has no id: add blade.\(index).id=<name> (it names the blade's report folder)"))
                continue
            }
            if let earlier = seenIDs[id] {
                problems.append(Diagnostic(at: at(entries["id"]!), "blade id '\(id)' is used twice (also at line \(earlier.line)): each blade needs its own id"))
                continue
            }
            seenIDs[id] = at(entries["id"]!)
            guard let server = value("server"), !server.isEmpty else {
                problems.append(Diagnostic(at: location, "blade '\(id)' has no server: add blade.\(index).server=\(localHost)"))
                continue
            }
            blades.append(Blade(index: index, id: id, server: server, kind: kind, argument: value("argument") ?? "", comment: value("comment") ?? "",
                                locations: entries.mapValues(at)))
        }
        if fields.isEmpty { problems.append(Diagnostic(at: SourceLocation(file: file, line: 1, column: 1), "the test plan has no blade (blade.0.id, blade.0.server, blade.0.injector …)")) }
        if problems.contains(where: { $0.severity == .error }) { throw ScenarioDiagnostics(problems) }
        var plan = TestPlan(blades: blades, file: file)
        plan.warnings = problems
        return plan
    }

    /// Warnings found while reading (ignored keys, fields set twice).
    public var warnings: [Diagnostic] = []

    /// Checks that every blade's server is one of `servers` (the nodes a deployment names, and
    /// ``localHost``); each unknown one is an error at its `blade.N.server` line.
    public func unknownServers(_ servers: Set<String>) -> [Diagnostic] {
        blades.compactMap { blade in
            guard blade.server != Self.localHost, !servers.contains(blade.server) else { return nil }
            let known = ([Self.localHost] + servers.sorted()).map { "'\($0)'" }.joined(separator: ", ")
            return Diagnostic(at: blade.locations["server"], "blade '\(blade.id)' runs on server '\(blade.server)', which the deployment does not name (known: \(known))")
        }
    }

    /// The plan as CLIF writes it (`Properties.store`): `#CLIF test plan`, a date comment, one
    /// escaped `key=value` line per field.
    public func text(date: Date = Date()) -> String {
        var lines = ["#CLIF test plan", "#" + Self.javaDate(date)]
        for blade in blades {
            let n = blade.index
            lines.append("blade.\(n).id=\(Self.escape(blade.id))")
            lines.append("blade.\(n).server=\(Self.escape(blade.server))")
            switch blade.kind {
            case .injector(let name): lines.append("blade.\(n).injector=\(Self.escape(name))")
            case .probe(let name): lines.append("blade.\(n).probe=\(Self.escape(name))")
            }
            lines.append("blade.\(n).argument=\(Self.escape(blade.argument))")
            lines.append("blade.\(n).comment=\(Self.escape(blade.comment))")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `Tue Mar 27 15:14:41 CEST 2012`, as `Date.toString()` in Java.
    static func javaDate(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "EEE MMM dd HH:mm:ss zzz yyyy"
        return formatter.string(from: date)
    }

    /// Escapes as `Properties.store` does: `\`, `=`, `:`, `#`, `!`, leading spaces, controls.
    static func escape(_ text: String) -> String {
        var out = ""
        for (offset, character) in text.enumerated() {
            switch character {
            case "\\": out += "\\\\"
            case "=", ":", "#", "!": out += "\\" + String(character)
            case " " where offset == 0: out += "\\ "
            case "\t": out += "\\t"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            default: out.append(character)
            }
        }
        return out
    }
}
