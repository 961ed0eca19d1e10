import ClifCore
import ClifReports
import Foundation
import Testing

@Suite("Reading report directories")
struct ReportReaderTests {
    @Test func theLatestRunIsChosenByTheDateInItsNameNotByName() throws {
        let runs = try ReportReader.runs(in: Fixtures.report)
        // zeta_load_… sorts last by name but is the oldest.
        #expect(runs.map(\.name) == ["zeta_load_2011-12-31_23h59m59", "dummy_2012-03-27_15h14m41", Fixtures.latestRun])
        #expect(try Fixtures.latest().folder.name == Fixtures.latestRun)
        #expect(runs[0].testName == "zeta_load")
    }

    @Test func aRunIsFoundByItsFolderNameOrItsTestName() throws {
        #expect(try ReportReader.find(directory: Fixtures.report, run: "dummy_2012-03-27_15h14m41").name == "dummy_2012-03-27_15h14m41")
        #expect(try ReportReader.find(directory: Fixtures.report, run: "zeta_load").name == "zeta_load_2011-12-31_23h59m59")
        // The test's latest run.
        #expect(try ReportReader.find(directory: Fixtures.report, run: "dummy").name == Fixtures.latestRun)
        // A run folder itself, as clif run prints it.
        #expect(try ReportReader.find(directory: Fixtures.report + "/" + Fixtures.latestRun + "/").name == Fixtures.latestRun)
    }

    @Test func aMissingDirectoryOrRunIsATypedDescriptiveError() throws {
        #expect(throws: ReportReadError.noSuchDirectory("/nonexistent/report")) { try ReportReader.read(directory: "/nonexistent/report") }
        let error = #expect(throws: ReportReadError.self) { try ReportReader.read(directory: Fixtures.report, run: "nope") }
        #expect(error?.description.contains("no run 'nope'") == true)
        #expect(error?.description.contains(Fixtures.latestRun) == true)
        let empty = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: empty) }
        #expect(throws: ReportReadError.noRun(directory: empty)) { try ReportReader.read(directory: empty) }
        #expect(throws: ReportReadError.notADirectory(Fixtures.report + "/" + Fixtures.latestRun + ".ctp")) {
            try ReportReader.read(directory: Fixtures.report + "/" + Fixtures.latestRun + ".ctp")
        }
    }

    @Test func realCLIFFilesAreReadQuirksIncluded() throws {
        let run = try Fixtures.latest()
        #expect(run.blades.map(\.id) == ["cpu0", "inj1", "inj2"])
        let inj1 = try #require(run.blade("inj1"))
        // CRLF, a blank line: 6 events, the \r gone from results; null read as nil.
        #expect(inj1.actions.count == 6)
        #expect(inj1.actions[0] == ActionEvent(date: 1000, sessionID: 0, type: "get home", iteration: 0, success: true, duration: 100, comment: "page one", result: "200"))
        #expect(inj1.actions[2].result == nil)
        #expect(inj1.actions[2].success == false)
        // Lifecycle sorted by date, then state id: starting (5) before running (6) at 100 ms.
        #expect(inj1.lifecycle.map(\.stateID) == [3, 4, 5, 6, 10])
        #expect(inj1.runningSince == 100)
        #expect(inj1.endedAt == 4100)
        #expect(inj1.server["clif.hostname"] == "node1")
        #expect(inj1.server["java.vendor.url"] == "http://java.sun.com/")
        // No final newline: the last line still counts.
        let inj2 = try #require(run.blade("inj2"))
        #expect(inj2.actions.count == 4)
        #expect(inj2.actions.last?.duration == 500)
        #expect(inj2.aborted?.date == 3900)
        #expect(inj2.abortReasons == ["too many errors: injector aborted"])
        #expect(inj2.alarms.map(\.severity) == [1, 3])
        #expect(inj2.alarms[0].message == "slow answers from <backend> & co, see http://backend.example/status")
    }

    @Test func aProbeBladeHasNoActionsAndItsSeriesAreRead() throws {
        let cpu = try #require(try Fixtures.latest().blade("cpu0"))
        #expect(cpu.isProbe)
        #expect(!cpu.hasActions)
        #expect(cpu.plan?.kind == .probe("org.ow2.clif.probe.cpu.Insert"))
        #expect(cpu.plan?.server == "node2")
        let series = try #require(cpu.probes.first)
        #expect(cpu.probes.count == 1)
        #expect(series.name == "cpu")
        #expect(series.labels == ["%CPU", "%CPU user", "%CPU kernel"])
        #expect(series.samples.map(\.date) == [1000, 2000, 3000, 4000])
        #expect(series.samples[1].values == [40, 35, 5])
    }

    @Test func perCoreColumnsAreToldApartFromTheMachinesColumns() {
        let cpu = ProbeSeries(name: "cpu", labels: ["%busy", "%user", "cpu0 %busy", "cpu0 %user", "cpu1 %busy", "cpu1 %user"], samples: [])
        #expect(cpu.layout.machine == 0..<2)
        #expect(cpu.layout.devices.map(\.name) == ["cpu0", "cpu1"])
        #expect(cpu.layout.devices.map(\.first) == [2, 4])
        #expect(cpu.unit == "%")
        // "swap total MiB" is not a device block of "total MiB, used MiB, …".
        let memory = ProbeSeries(name: "memory", labels: ["total MiB", "used MiB", "free MiB", "buffers+cached MiB", "swap total MiB", "swap used MiB"], samples: [])
        #expect(memory.layout.machine == 0..<6)
        #expect(memory.layout.devices.isEmpty)
        #expect(memory.unit == "MiB")
        let network = ProbeSeries(name: "network", labels: ["bytes in/s", "bytes out/s", "eth0 bytes in/s", "eth0 bytes out/s"], samples: [])
        #expect(network.layout.machine == 0..<2)
        #expect(network.unit == "network")
    }

    @Test func theTestPlanIsReadInAnyKeyOrderWithEscapes() throws {
        let plan = try #require(try Fixtures.latest().testPlan)
        #expect(plan.blades.map(\.id) == ["inj1", "inj2", "cpu0"])
        #expect(plan.blades[0].argument == "dummy.xis threads=10")
        #expect(plan.blades[0].server == "local host")
        #expect(plan.blades[0].kind == .injector("IsacRunner"))
        #expect(plan.blades[2].kind == .probe("org.ow2.clif.probe.cpu.Insert"))
    }

    @Test func aTestPlanThatCannotBeUsedIsAWarningNotAFailure() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let run = folder + "/t_2020-01-01_00h00m00"
        try FileManager.default.createDirectory(atPath: run + "/b", withIntermediateDirectories: true)
        try "#CLIF test plan\nblade.0.id=b\n".write(toFile: run + ".ctp", atomically: true, encoding: .utf8)
        try (ActionEvent.fileHeader + "\n10,0,t,0,true,5,,null\n").write(toFile: run + "/b/action", atomically: true, encoding: .utf8)
        let read = try ReportReader.read(directory: folder)
        #expect(read.testPlan == nil)
        #expect(read.blade("b")?.actions.count == 1)
        #expect(read.warnings.contains { $0.file == run + ".ctp" && $0.message.contains("blade 0 has no class") })
        #expect(read.skippedLines == 0)
    }

    @Test func malformedLinesAreSkippedCountedAndWarnedWithFileAndLine() throws {
        let run = try Fixtures.latest()
        #expect(run.skippedLines == 1)
        let warning = try #require(run.warnings.first)
        #expect(run.warnings.count == 1)
        #expect(warning.file == Fixtures.report + "/" + Fixtures.latestRun + "/inj2/action")
        #expect(warning.line == 4)
        #expect(warning.description.hasPrefix(Fixtures.report + "/" + Fixtures.latestRun + "/inj2/action:4: warning: "))
        #expect(warning.message.contains("'this is not an event'"))
    }

    @Test func eachKindOfBadLineIsSaidAndOnlyAHundredAFileAreKept() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let blade = folder + "/t_2020-01-01_00h00m00/b"
        try FileManager.default.createDirectory(atPath: blade, withIntermediateDirectories: true)
        var action = ActionEvent.fileHeader + "\nx,1,t,0,true,5,c,null\n1,1,t,0,maybe,5,c,null\n1,1,t,0,true,5ms,c,null\n"
        for _ in 0..<150 { action += "garbage\n" }
        try action.write(toFile: blade + "/action", atomically: true, encoding: .utf8)
        try "# date, state id, state label\n0,x,running\n".write(toFile: blade + "/lifecycle", atomically: true, encoding: .utf8)
        try "# date, a, b\n1,2\n2,3,x\n3,4,5\n".write(toFile: blade + "/memory", atomically: true, encoding: .utf8)
        let run = try ReportReader.read(directory: folder)
        #expect(run.skippedLines == 3 + 150 + 1 + 2)
        let messages = run.warnings.map(\.description)
        #expect(messages.contains { $0.contains("/b/action:2:") && $0.contains("date 'x' is not a whole number") })
        #expect(messages.contains { $0.contains("/b/action:3:") && $0.contains("success 'maybe'") })
        #expect(messages.contains { $0.contains("/b/action:4:") && $0.contains("duration '5ms'") })
        #expect(messages.contains { $0.contains("/b/action: warning: 53 more malformed lines skipped") })
        #expect(messages.contains { $0.contains("/b/lifecycle:2:") })
        #expect(messages.contains { $0.contains("/b/memory:2:") })
        #expect(messages.contains { $0.contains("/b/memory:3:") && $0.contains("not a number") })
        #expect(run.blade("b")?.probes.first?.samples.map(\.values) == [[4, 5]])
    }

    @Test func aRunWrittenByReportDirectoryIsReadBack() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let events = [Fixtures.event("GET", 12, at: 500), Fixtures.event("GET", 30, at: 900, success: false, comment: "status 503")]
        let run = try ReportReader.read(directory: try Fixtures.ours(events, end: 2000, in: folder))
        #expect(run.folder.testName == "ours")
        #expect(run.warnings.isEmpty)
        let blade = try #require(run.blade("injector"))
        #expect(blade.actions == events)
        #expect(blade.lifecycle.map(\.state) == [.initializing, .initialized, .starting, .running, .completed])
        #expect(RunWindow(run: run) == RunWindow(start: 0, end: 2000))
    }
}
