import ClifCore
import Foundation
import Testing

/// The built-in plug-ins at run time, on a manual clock: what their samples record, what their
/// variables hold.
@Suite("Built-in plug-ins")
struct BuiltInPluginTests {
    /// Runs `steps` once per session for `sessions` sessions (no think time), returns the events.
    func events(_ plugins: [PluginUse], _ steps: [Step], sessions: Int = 1, directory: String = ".") async throws -> [ActionEvent] {
        let scenario = Scenario(directory: directory, plugins: plugins, behaviors: [Behavior(id: "B0", steps: steps)])
        let compiled = try CompiledScenario(scenario, plugins: PluginRegistry())
        let arrivals = OpenProfile(behavior: "B0", rate: .constant(Double(sessions), for: 1), maxSessions: sessions, reuseSessions: false)
        let clock = ManualClock()
        let engine = try LoadEngine(scenario: compiled, profile: .open(arrivals), clock: clock, options: EngineOptions(keepsEvents: true))
        let run = Task { await engine.run() }
        for ms in 0...1_100 {
            clock.advance(to: Int64(ms) * 1_000_000)
            // Every session is done or asleep on the clock, as are the time limit and (while
            // arrivals remain) the scheduler.
            try await eventually("arrivals up to \(ms) ms") {
                engine.arrivals >= min(sessions, ms * sessions / 1_000 + 1)
                    && (engine.busySessions == 0 || clock.sleeperCount >= engine.busySessions + 1 + (engine.arrivals < sessions ? 1 : 0))
            }
        }
        clock.advance(to: 20_000_000_000)
        _ = await run.value
        return engine.recorder.drainEvents().sorted { $0.sessionID < $1.sessionID }
    }

    func log(_ comment: String, type: String = "log") -> Step {
        .sample(OperationUse(use: "common", name: "log", parameters: Parameters(["comment": comment, "type": type, "duration": "7"])))
    }

    @Test func commonLogWritesTheEventItIsGiven() async throws {
        let events = try await events([PluginUse(id: "common", plugin: "Common")], [
            .sample(OperationUse(use: "common", name: "log", parameters: Parameters(["duration": "25", "comment": "c", "result": "r", "successful": ""]))),
        ])
        #expect(events.count == 1)
        #expect(events[0].duration == 25 && events[0].comment == "c" && events[0].result == "r" && !events[0].success)
    }

    @Test func csvProviderGivesEachSessionTheNextRow() async throws {
        let folder = NSTemporaryDirectory() + "csv-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "name;city\r\nada;\"London, UK\"\r\nalan;Wilmslow\r\n".write(toFile: folder + "/users.csv", atomically: true, encoding: .utf8)
        let events = try await events([
            PluginUse(id: "users", plugin: "CsvProvider", parameters: Parameters(["file": "users.csv", "separator": ";", "header": "enable;"])),
            PluginUse(id: "common", plugin: "Common"),
        ], [log("${users:name} in ${users:city}")], sessions: 3, directory: folder)
        // Three sessions, two rows: the third starts again from the first.
        #expect(events.map(\.comment) == ["ada in London, UK", "alan in Wilmslow", "ada in London, UK"])
        // The action file does not quote: a comma inside a field is written as a space.
        #expect(events[0].line.hasSuffix(",ada in London  UK,null"))
    }

    @Test func contextVariablesComeFromTheUseAndFromPropertiesFiles() async throws {
        let folder = NSTemporaryDirectory() + "context-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "# a comment\nhost = example\\:8080\nlong=a\\\n  b".write(toFile: folder + "/test.props", atomically: true, encoding: .utf8)
        let events = try await events([
            PluginUse(id: "ctx", plugin: "Context", parameters: Parameters(["files": "test.props;", "variables": "user=ada;"])),
            PluginUse(id: "common", plugin: "Common"),
        ], [
            log("${ctx:user}@${ctx:host} ${ctx:long}"),
            .control(OperationUse(use: "ctx", name: "set", parameters: Parameters(["name": "user", "value": "alan"]))),
            log("${ctx:user}"),
        ], directory: folder)
        #expect(events.map(\.comment) == ["ada@example:8080 ab", "alan"])
    }

    @Test func chronoCountersAndConditionsSeeTheSession() async throws {
        let events = try await events([
            PluginUse(id: "chrono", plugin: "Chrono"), PluginUse(id: "n", plugin: "Counter", parameters: Parameters(["start": "1"])),
            PluginUse(id: "common", plugin: "Common"), PluginUse(id: "rand", plugin: "Random", parameters: Parameters(["min": "5", "max": "5"])),
        ], [
            .control(OperationUse(use: "chrono", name: "start")),
            .timer(OperationUse(use: "rand", name: "sleep")),
            .whileLoop(OperationUse(use: "n", name: "lessThan", parameters: Parameters(["value": "4"])), body: [
                log("n=${n:}"), .control(OperationUse(use: "n", name: "increment")),
            ]),
            .ifThen(OperationUse(use: "common", name: "equals", parameters: Parameters(["left": "${n:}", "right": "4"])),
                    then: [log("chrono=${chrono:}")], else: [log("wrong")]),
        ])
        // Random's uniform 5..5 ms think time, measured by Chrono on the engine's clock.
        #expect(events.map(\.comment) == ["n=1", "n=2", "n=3", "chrono=5"])
    }

    @Test func extractorRegexTakesAGroupAMatchOrTheDefault() async throws {
        func regex(_ pattern: String, _ variable: String, group: String? = nil, default value: String? = nil) -> Step {
            var parameters = ["input": "order=1234; total=56.50 EUR", "pattern": pattern, "variable": variable]
            parameters["group"] = group
            parameters["default"] = value
            return .control(OperationUse(use: "x", name: "regex", parameters: Parameters(parameters)))
        }
        let events = try await events([PluginUse(id: "x", plugin: "Extractor"), PluginUse(id: "common", plugin: "Common")], [
            regex("order=(\\d+)", "order"),
            regex("total=([0-9.]+) ([A-Z]+)", "currency", group: "2"),
            regex("total=[0-9.]+", "whole", group: "0"),
            regex("refund=(\\d+)", "refund", default: "none"),
            regex("coupon=(\\w+)", "coupon"),
            log("${x:order} ${x:currency} ${x:whole} ${x:refund}"),
            .ifThen(OperationUse(use: "x", name: "found", parameters: Parameters(["variable": "coupon"])), then: [log("coupon")], else: [log("no coupon")]),
            .ifThen(OperationUse(use: "x", name: "found", parameters: Parameters(["variable": "order"])), then: [log("order")], else: [log("no order")]),
        ])
        #expect(events.map(\.comment) == ["1234 EUR total=56.50 none", "no coupon", "order"])
    }
}
