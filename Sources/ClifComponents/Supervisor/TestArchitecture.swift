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
    /// With a value: the results go to storage shards instead of one file storage.
    public var sharding: Sharding?
    /// What the supervisor does when an injector's node is lost: `continue` with the others,
    /// or `rebalance` (give its share of the load to the injectors of its scenario left).
    public var onInjectorLoss: String

    /// Where a test's storage shards run and how many copies each record gets.
    public struct Sharding: Sendable {
        /// The server (virtual node) of each shard, `local host` for the launcher's node;
        /// no two copies of a record go to shards of one server.
        public var servers: [String]
        public var replicas: Int
        /// Copies that must be stored before a batch is acknowledged (0: all `replicas`).
        public var writeQuorum: Int
        /// The test run's name in the shards: the same for every router and the storage.
        public var run: String
        /// Each shard's folder is `<directory>/<shard>` on its node (relative to the node's
        /// working folder).
        public var directory: String
        public var engine: String
        public var durability: String
        /// Server → the node it runs on (its name in the deployment); a server not here is its
        /// own node. Two servers on one node are one place for the copies.
        public var nodes: [String: String]
        /// Server → its site (the deployment's `site` tags), kept apart while there are others.
        public var sites: [String: String]
        /// Milliseconds of the test one key covers (a blade's batches of one interval go to the
        /// same shards).
        public var interval: Int

        public init(servers: [String], replicas: Int = 2, writeQuorum: Int = 0, run: String, directory: String = "clif-shards",
                    engine: String = "log", durability: String = "fsync", nodes: [String: String] = [:], sites: [String: String] = [:],
                    interval: Int = 10_000) {
            self.interval = interval
            self.nodes = nodes
            self.sites = sites
            self.servers = servers
            self.replicas = replicas
            self.writeQuorum = writeQuorum
            self.run = run
            self.directory = directory
            self.engine = engine
            self.durability = durability
        }

        /// A run name for test `test` started now: the test, the date and a random part.
        public static func runName(test: String, date: Date = Date()) -> String {
            let seconds = Int(date.timeIntervalSince1970)
            return "\(test)-\(seconds)-\(String(UInt32.random(in: 0...UInt32.max), radix: 36))"
        }
    }

    public init(plan: TestPlan, name: String, reportDirectory: String, duration: Double? = nil, saturationProbes: Bool = true,
                sharding: Sharding? = nil, onInjectorLoss: String = "continue") {
        self.plan = plan
        self.name = name
        self.reportDirectory = reportDirectory
        self.duration = duration
        self.saturationProbes = saturationProbes
        self.sharding = sharding
        self.onInjectorLoss = onInjectorLoss
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
                // Injectors of one scenario file share its load.
                definition = "clif.InjectorBlade(\(blade.id),\(scenario),0,0,\(duration.map { String($0) } ?? "0"),\(argument.threads ?? 1),\(blade.server),\(scenario))"
            case .probe(let className):
                definition = "clif.ProbeBlade(\(blade.id),\(className),\(blade.argument.isEmpty ? "1000 60" : blade.argument),\(blade.server))"
            }
            for value in [blade.id, blade.argument, blade.server] where value.contains(",") || value.contains("(") || value.contains(")") || value.contains("\"") || value.contains("<") || value.contains("&") {
                problems.append(Diagnostic(at: blade.locations["id"], "blade '\(blade.id)': '\(value)' holds a character (, ( ) \" < &) that an architecture argument cannot carry"))
            }
            components.append(Self.component(blade.id, definition, on: blade.server))
            bindings.append("  <binding client=\"supervisor.blade-\(Self.escape(blade.id))\" server=\"\(Self.escape(blade.id)).control\"/>")
            if let sharding {
                // A router beside each blade, on its node, writes its batches to the shards.
                let router = "router-" + blade.id
                components.append(Self.component(router, "clif.ShardRouter(\(sharding.run),\(sharding.replicas),\(sharding.writeQuorum),\(sharding.interval))", on: blade.server))
                bindings.append("  <binding client=\"\(Self.escape(blade.id)).storage\" server=\"\(Self.escape(router)).write\"/>")
                for shard in sharding.servers.indices {
                    bindings.append("  <binding client=\"\(Self.escape(router)).shards\" server=\"shard-\(shard).store\"/>")
                }
            } else {
                bindings.append("  <binding client=\"\(Self.escape(blade.id)).storage\" server=\"storage.write\"/>")
            }
        }
        let storage: String
        if let sharding {
            problems += Self.check(sharding)
            storage = "clif.ShardedStorage(\(Self.escape(reportDirectory)),\(sharding.run),\(sharding.replicas),\(sharding.writeQuorum))"
            for (index, server) in sharding.servers.enumerated() {
                let name = "shard-\(index)"
                let directory = sharding.directory + "/" + name
                let site = sharding.sites[server].map { ",site=>\($0)" } ?? ""
                components.append(Self.component(name, "clif.StorageShard(name=>\(name),directory=>\(directory),node=>\(sharding.nodes[server] ?? server)\(site),engine=>\(sharding.engine),durability=>\(sharding.durability))", on: server))
                bindings.append("  <binding client=\"storage.shards\" server=\"\(name).store\"/>")
            }
        } else {
            storage = "clif.FileStorage(\(Self.escape(reportDirectory)))"
        }
        if !["continue", "rebalance"].contains(onInjectorLoss) {
            problems.append(Diagnostic(at: nil, "on injector loss: '\(onInjectorLoss)' is not one of continue, rebalance"))
        }
        if !problems.isEmpty { throw ScenarioDiagnostics(problems) }
        return """
        <?xml version="1.0" encoding="UTF-8"?>
        <!-- The CLIF test \(Self.escape(name)), from \(Self.escape(plan.file ?? "a test plan")). -->
        <definition name="clif.test.\(Self.escape(name))">
          <interface name="control" role="server" signature="clif.TestControl"/>
          <interface name="analysis" role="server" signature="clif.Analysis"/>
          <component name="supervisor" definition="clif.Supervisor(1000,\(Self.escape(onInjectorLoss)))"/>
          <component name="analyzer" definition="clif.Analyzer"/>
          <component name="storage" definition="\(Self.escape(storage))"/>
        \(components.joined(separator: "\n"))
          <binding client="this.control" server="supervisor.control"/>
          <binding client="this.analysis" server="analyzer.analysis"/>
          <binding client="supervisor.storage" server="storage.admin"/>
        \(bindings.joined(separator: "\n"))
          <controller desc="composite"/>
        </definition>

        """
    }

    private static func component(_ name: String, _ definition: String, on server: String) -> String {
        let virtualNode = virtualNode(of: server).map { "\n    <virtual-node name=\"\(escape($0))\"/>\n  " } ?? ""
        return "  <component name=\"\(escape(name))\" definition=\"\(escape(definition))\">\(virtualNode)</component>"
    }

    /// What makes a sharding impossible: no shard, more copies than servers to hold them,
    /// names an architecture argument cannot carry.
    /// (Not located: the sharding comes from the command line, not the plan.)
    static func check(_ sharding: Sharding) -> [Diagnostic] {
        let location: SourceLocation? = nil
        var problems: [Diagnostic] = []
        if sharding.servers.isEmpty { problems.append(Diagnostic(at: location, "a sharded test needs at least one storage shard")) }
        let nodes = Set(sharding.servers.map { sharding.nodes[$0] ?? $0 })
        if sharding.replicas < 1 || sharding.replicas > nodes.count {
            problems.append(Diagnostic(at: location, "\(sharding.replicas) copies of each record need shards on \(sharding.replicas) distinct nodes; the shards are on \(nodes.count) (\(nodes.sorted().joined(separator: ", ")))"))
        }
        if sharding.writeQuorum < 0 || sharding.writeQuorum > sharding.replicas {
            problems.append(Diagnostic(at: location, "the write quorum (\(sharding.writeQuorum)) must be between 0 (all copies) and the replicas (\(sharding.replicas))"))
        }
        if sharding.interval < 1 { problems.append(Diagnostic(at: location, "a key's interval must be at least 1 ms, not \(sharding.interval)")) }
        if !["log", "sqlite"].contains(sharding.engine) { problems.append(Diagnostic(at: location, "shard engine '\(sharding.engine)' is not one of log, sqlite")) }
        if !["fsync", "process"].contains(sharding.durability) { problems.append(Diagnostic(at: location, "shard durability '\(sharding.durability)' is not one of fsync, process")) }
        for value in [sharding.run, sharding.directory] + sharding.servers + sharding.nodes.values + sharding.sites.values where value.contains(where: { ",()\"<&'".contains($0) }) {
            problems.append(Diagnostic(at: location, "'\(value)' holds a character (, ( ) \" ' < &) that an architecture argument cannot carry"))
        }
        return problems
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
