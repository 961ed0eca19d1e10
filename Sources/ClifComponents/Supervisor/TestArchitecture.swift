import ClifCore
import Foundation
import FractalXML

/// A CLIF test as a Fractal architecture: a supervisor, a file storage, an analyzer and one blade per
/// blade of a test plan, each blade on the virtual node named like its server (none for
/// `local host`: it runs beside the supervisor).
///
/// The ADL it writes uses only `ADL/clif/`'s definitions, so a user may start from it and
/// write their own test architecture.
public struct TestArchitecture: Sendable {
    public var plan: TestPlan
    /// The test's name (the definition is `clif.test.<name>`).
    public var name: String
    /// Where the report directory goes.
    public var reportDirectory: String
    /// With a value: injectors stop after this many seconds whatever their profile says.
    public var duration: Double?
    /// Adds a `cpu` probe on every injector's server that has none, so that the supervisor can
    /// flag an injector whose node is saturated.
    public var saturationProbes: Bool

    public init(plan: TestPlan, name: String, reportDirectory: String, duration: Double? = nil, saturationProbes: Bool = true) {
        self.plan = plan
        self.name = name
        self.reportDirectory = reportDirectory
        self.duration = duration
        self.saturationProbes = saturationProbes
    }

    /// The plan's blades and, with ``saturationProbes``, a `cpu` probe blade (`cpu-<server>`)
    /// for each injector server without one.
    public var blades: [TestPlan.Blade] {
        guard saturationProbes else { return plan.blades }
        let probed = Set(plan.blades.filter { $0.kind == .probe("cpu") }.map(\.server))
        var servers: [String] = []
        for blade in plan.blades {
            if case .injector = blade.kind, !probed.contains(blade.server), !servers.contains(blade.server) { servers.append(blade.server) }
        }
        let ids = Set(plan.blades.map(\.id))
        let next = (plan.blades.map(\.index).max() ?? -1) + 1
        return plan.blades + servers.enumerated().map { offset, server in
            var id = "cpu-" + String(server.map { $0.isLetter || $0.isNumber ? $0 : "_" })
            while ids.contains(id) { id += "_" }
            return TestPlan.Blade(index: next + offset, id: id, server: server, kind: .probe("cpu"), argument: "1000 86400",
                                  comment: "saturation probe of the injectors on \(server)")
        }
    }

    /// The virtual node a blade's server becomes (nil: the launcher's own).
    public static func virtualNode(of server: String) -> String? {
        server == TestPlan.localHost ? nil : server
    }

    /// The architecture as ADL XML. Scenario paths are made absolute from the plan's folder.
    ///
    /// - Throws: ``ScenarioDiagnostics`` for a blade whose arguments the ADL cannot carry, or
    ///   an injector class other than `IsacRunner`.
    public func adl() throws(ScenarioDiagnostics) -> String {
        let folder = plan.file.map { URL(fileURLWithPath: $0).deletingLastPathComponent().path } ?? FileManager.default.currentDirectoryPath
        var problems: [Diagnostic] = []
        var components: [String] = []
        var bindings: [String] = []
        let synchros = blades.filter { $0.kind == .injector("Synchro") }
        if synchros.count > 1 {
            problems.append(Diagnostic(at: synchros[1].locations["injector"], "a test has one Synchro blade ('\(synchros[0].id)' already); its locks are named, so one serves every scenario"))
        }
        for blade in blades {
            let definition: String
            switch blade.kind {
            case .injector(let className):
                if className == "Synchro" {
                    definition = "clif.SynchroBlade(\(blade.id),\(blade.server))"
                    break
                }
                guard className == "IsacRunner" else {
                    problems.append(Diagnostic(at: blade.locations["injector"], "blade '\(blade.id)': injector class '\(className)' is not available (available: IsacRunner, Synchro)"))
                    continue
                }
                if let synchro = synchros.first {
                    bindings.append("  <binding client=\"\(Self.escape(blade.id)).synchro\" server=\"\(Self.escape(synchro.id)).locks\"/>")
                }
                let argument: (scenario: String, threads: Int?)
                do { argument = try blade.isacArgument() } catch { problems += error.diagnostics; continue }
                let scenario = argument.scenario.hasPrefix("/") ? argument.scenario : folder + "/" + argument.scenario
                definition = "clif.InjectorBlade(\(blade.id),\(scenario),0,0,\(duration.map { String($0) } ?? "0"),\(argument.threads ?? 1),\(blade.server))"
            case .probe(let className):
                definition = "clif.ProbeBlade(\(blade.id),\(className),\(blade.argument.isEmpty ? "1000 60" : blade.argument),\(blade.server))"
            }
            for value in [blade.id, blade.argument, blade.server] where value.contains(",") || value.contains("(") || value.contains(")") || value.contains("\"") || value.contains("<") || value.contains("&") {
                problems.append(Diagnostic(at: blade.locations["id"], "blade '\(blade.id)': '\(value)' holds a character (, ( ) \" < &) that an architecture argument cannot carry"))
            }
            let virtualNode = Self.virtualNode(of: blade.server).map { "\n    <virtual-node name=\"\(Self.escape($0))\"/>\n  " } ?? ""
            components.append("  <component name=\"\(Self.escape(blade.id))\" definition=\"\(Self.escape(definition))\">\(virtualNode)</component>")
            bindings.append("  <binding client=\"supervisor.blade-\(Self.escape(blade.id))\" server=\"\(Self.escape(blade.id)).control\"/>")
            bindings.append("  <binding client=\"\(Self.escape(blade.id)).storage\" server=\"storage.write\"/>")
        }
        if !problems.isEmpty { throw ScenarioDiagnostics(problems) }
        return """
        <?xml version="1.0" encoding="UTF-8"?>
        <!-- The CLIF test \(Self.escape(name)), from \(Self.escape(plan.file ?? "a test plan")). -->
        <definition name="clif.test.\(Self.escape(name))">
          <interface name="control" role="server" signature="clif.TestControl"/>
          <interface name="analysis" role="server" signature="clif.Analysis"/>
          <component name="supervisor" definition="clif.Supervisor"/>
          <component name="analyzer" definition="clif.Analyzer"/>
          <component name="storage" definition="clif.FileStorage(\(Self.escape(reportDirectory)))"/>
        \(components.joined(separator: "\n"))
          <binding client="this.control" server="supervisor.control"/>
          <binding client="this.analysis" server="analyzer.analysis"/>
          <binding client="supervisor.storage" server="storage.admin"/>
        \(bindings.joined(separator: "\n"))
          <controller desc="composite"/>
        </definition>

        """
    }

    /// Writes ``adl()`` into `folder` as `clif.test.<name>.fractal`; returns its path.
    public func write(in folder: String) throws -> String {
        let path = folder + "/clif.test.\(name).fractal"
        guard FileManager.default.createFile(atPath: path, contents: Data(try adl().utf8)) else {
            throw ScenarioError("cannot write the test architecture to \(path)")
        }
        return path
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "\"", with: "&quot;").replacingOccurrences(of: "<", with: "&lt;")
    }
}
