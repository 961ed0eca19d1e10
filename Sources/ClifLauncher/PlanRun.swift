import ArgumentParser
import ClifComponents
import ClifCore
import ClifReports
import Fractal
import FractalADL
import FractalDeployment
import FractalLauncher
import FractalRemote
import Foundation
import Logging

/// `clif run PLAN.ctp [--deployment FILE]`: a CLIF test of several blades. The plan becomes a
/// test architecture (supervisor, storage, a blade per blade of the plan); blades whose server
/// the deployment names run on that node, the others in this process.
struct PlanRun {
    var planPath: String
    var deploymentPath: String?
    var duration: Double?
    var reportDirectory: String
    var quiet: Bool
    var searchPath: [String]
    var outputs: ReportOutputs
    /// Where to serve the live figures for Prometheus, if anywhere.
    var metrics: (host: String, port: Int)?
    /// Storage shards in place of the file storage.
    var shards = ShardOptions()
    /// `continue` or `rebalance` (see `TestArchitecture.onInjectorLoss`).
    var onInjectorLoss = "continue"
    /// How `tcp://` nodes of the deployment authenticate.
    var secrets = SecretOptions()

    /// Whether `target` names an architecture (a `.fractal` file or a dotted definition name)
    /// rather than a scenario or a test plan.
    static func isArchitecture(_ target: String) -> Bool {
        if target.hasSuffix(".fractal") { return true }
        return !target.hasSuffix(".xis") && !target.hasSuffix(".ctp") && !target.contains("/") && target.contains(".")
    }

    func run() async throws {
        let descriptor = try readDeployment()
        let scratch = NSTemporaryDirectory() + "clif-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let name: String
        let planText: String
        let componentPlan: ComponentPlan
        do {
            if Self.isArchitecture(planPath) {
                // A test written in ADL: its top component serves `control` (clif.TestControl).
                if duration != nil { printError("clif: warning: --duration does not apply to a test written in ADL: set its injectors' duration argument") }
                if shards.shards != nil { printError("clif: warning: --shards does not apply to a test written in ADL: compose clif.StorageShard, clif.ShardRouter and clif.ShardedStorage in it") }
                componentPlan = try ADL.resolve(planPath, searchPath: searchPath)
                guard componentPlan.interfaces.contains(where: { $0.type.name == "control" && $0.type.signature == "clif.TestControl" }) else {
                    printError("\(componentPlan.location): error: '\(componentPlan.name)' has no server interface 'control' of signature clif.TestControl: bind it to a clif.Supervisor's control (see clif plan show PLAN.ctp --adl)")
                    throw ExitCode(ExitStatus.dataError)
                }
                name = Self.definitionName(componentPlan.name.split(separator: ".").last.map(String.init) ?? componentPlan.name)
                planText = "#CLIF test plan\n#the architecture \(componentPlan.name)\n"
            } else {
                let plan = try readPlan(servers: Set(descriptor.virtualNodes.keys))
                name = URL(fileURLWithPath: planPath).deletingPathExtension().lastPathComponent
                let sharding = shards.sharding(test: Self.definitionName(name), deployment: descriptor)
                if let sharding {
                    let unknown = sharding.servers.filter { $0 != TestPlan.localHost && descriptor.virtualNodes[$0] == nil }
                    if !unknown.isEmpty {
                        printError("clif: --shards names \(unknown.map { "'\($0)'" }.joined(separator: ", ")), which the deployment does not map (its virtual nodes: \(descriptor.virtualNodes.keys.sorted().joined(separator: ", ")); or 'local host')")
                        throw ExitCode(ExitStatus.dataError)
                    }
                    printError("clif: results in \(sharding.servers.count) storage shard(s), \(sharding.replicas) copies each, run \(sharding.run)")
                }
                let architecture = TestArchitecture(plan: plan, name: Self.definitionName(name), reportDirectory: absolute(reportDirectory), duration: duration,
                                                    sharding: sharding, onInjectorLoss: onInjectorLoss)
                componentPlan = try ADL.resolve(try architecture.write(in: scratch), searchPath: searchPath)
                planText = (try? String(contentsOfFile: planPath, encoding: .utf8)) ?? plan.text()
            }
        } catch let error as ScenarioDiagnostics {
            for diagnostic in error.diagnostics { printError(diagnostic.description) }
            throw ExitCode(ExitStatus.dataError)
        } catch let error as ADLError {
            for diagnostic in error.diagnostics { printError(diagnostic.description) }
            throw ExitCode(ExitStatus.dataError)
        }
        try await run(componentPlan, on: descriptor, name: name, planText: planText)
    }

    private func readDeployment() throws -> DeploymentDescriptor {
        guard let deploymentPath else { return DeploymentDescriptor(virtualNodes: [:]) }
        try requireFile(deploymentPath)
        do { return try DeploymentDescriptor.read(deploymentPath) } catch let error as ADLError {
            for diagnostic in error.diagnostics { printError(diagnostic.description) }
            throw ExitCode(ExitStatus.dataError)
        }
    }

    /// The test plan, its warnings printed; its servers must be among `servers`.
    private func readPlan(servers: Set<String>) throws -> TestPlan {
        let plan: TestPlan
        do {
            plan = try TestPlan.read(file: planPath)
        } catch {
            for diagnostic in error.diagnostics { printError(diagnostic.description) }
            throw ExitCode(ExitStatus.dataError)
        }
        for warning in plan.warnings { printError(warning.description) }
        let unknown = plan.unknownServers(servers)
        if !unknown.isEmpty {
            for diagnostic in unknown { printError(diagnostic.description + (deploymentPath == nil ? "; give --deployment FILE naming it" : "")) }
            throw ExitCode(ExitStatus.dataError)
        }
        return plan
    }

    private func run(_ componentPlan: ComponentPlan, on descriptor: DeploymentDescriptor, name: String, planText: String) async throws {
        let options = Deployment.Options(name: "supervisor", tcpAuthentication: try secrets.tcpAuthentication(listen: nil, reaching: descriptor),
                                         logger: Logger.launcher("clif.deployment"))
        let deployment: Deployment
        do {
            deployment = try await Deployment.launch(componentPlan, on: descriptor, options: options)
        } catch {
            printError("clif: \(error)")
            throw ExitCode(ExitStatus.unavailable)
        }
        let live = LiveMetrics()
        var endpoint: MetricsEndpoint?
        if let metrics {
            do {
                endpoint = try await MetricsEndpoint.start(host: metrics.host, port: metrics.port) { live.text }
                printError("metrics: http://\(metrics.host):\(endpoint!.port)/metrics")
            } catch {
                await deployment.shutdown()
                printError("clif: cannot serve metrics at \(metrics.host):\(metrics.port): \(error)")
                throw ExitCode(ExitStatus.unavailable)
            }
        }
        let interrupted = InterruptFlag()
        var outcome: TestOutcome?
        var failure: (any Error)?
        do {
            try await deployment.start()
            let control = try deployment.top.interface(named: "control").callable(as: (any TestControl).self)
            let signal = Interrupt.onSIGINT {
                interrupted.set()
                Task { try? await control.stop() }
            }
            defer { signal.cancel() }
            let console = Task { await Self.liveConsole(control, quiet: quiet, metrics: live) }
            do {
                outcome = try await control.run(TestRequest(name: name, plan: planText))
            } catch { failure = error }
            console.cancel()
            _ = await console.value
        } catch { failure = error }
        await deployment.shutdown()
        await endpoint?.stop()

        guard let outcome else {
            printError("clif: the test failed: \(failure.map { "\($0)" } ?? "unknown error")")
            throw ExitCode(ExitStatus.software)
        }
        for blade in outcome.blades where blade.state == .aborted {
            printError("clif: blade \(blade.id) aborted at \(Double(blade.date) / 1000) s: \(blade.reason ?? "no reason given")")
        }
        print("report: \(outcome.runFolder)")
        if let shards = try? String(contentsOfFile: outcome.runFolder + ".shards", encoding: .utf8) {
            for line in shards.split(separator: "\n") { printError("storage: \(line)") }
        }
        HistogramFiles.write(beside: outcome.runFolder, outcome.intervals,
                             start: Date(timeIntervalSince1970: Double(outcome.intervalsStart) / 1000), intervalLength: outcome.intervalLength)
        var outputs = outputs
        outputs.html = outputs.html ?? outcome.runFolder + ".html"
        outputs.json = outputs.json ?? outcome.runFolder + ".json"
        do {
            try outputs.present(runFolder: outcome.runFolder)
        } catch let exit as ExitCode where interrupted.isSet && exit.rawValue == ReportOutputs.thresholdFailed {
            // Stopped by Ctrl-C: that says more than a threshold of a cut-short run.
        }
        if interrupted.isSet { throw ExitCode(ExitStatus.interrupted) }
    }

    /// A line per second: each blade's state, the merged requests/s, p50/p99, errors, dropped,
    /// and the CPU of each probe's node.
    static func liveConsole(_ control: any TestControl, quiet: Bool, metrics: LiveMetrics) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(1))
            guard !Task.isCancelled, let status = try? await control.status() else { continue }
            metrics.update(status)
            if !quiet { printError(line(status)) }
        }
    }

    static func line(_ status: TestStatus) -> String {
        let total = status.interval.total
        let blades = status.blades.map { blade -> String in
            var text = "\(blade.id) \(blade.state)"
            if let sessions = blade.activeSessions { text += " \(sessions)u" }
            if let busy = blade.probes["cpu"]?["%busy"] { text += " cpu \(Int(busy.rounded()))%" }
            if blade.saturated { text += " SATURATED" }
            return text
        }.joined(separator: ", ")
        let p50 = Double(total.latencyPercentile(50)) / 1000, p99 = Double(total.latencyPercentile(99)) / 1000
        return String(format: "%6.1fs  %@  |  %llu req/s  p50 %.1f ms  p99 %.1f ms  errors %llu  dropped %llu",
                      status.elapsed, blades, total.calls + total.errors, p50, p99, total.errors, status.interval.dropped)
    }

    /// Where `ADL/clif/` is: the current folder's `ADL`, else the package the executable was
    /// built in (found from its path, `<package>/.build/<triple>/<config>/clif`).
    static func defaultSearchPath() -> [String] {
        var folders = ["ADL"]
        var url = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        while url.path != "/" {
            let candidate = url.appendingPathComponent("ADL")
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("clif/Supervisor.fractal").path) {
                folders.append(candidate.path)
                break
            }
            url.deleteLastPathComponent()
        }
        return folders
    }

    /// A test name as the last part of a definition name: letters, digits and `_`.
    static func definitionName(_ name: String) -> String {
        String(name.map { $0.isLetter || $0.isNumber || $0 == "_" ? $0 : "_" })
    }

    private func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }
}
