import ClifCore
import ClifScenario
import Foundation
import FractalXML
import Testing

// The Swift DSL builds the same model as the `.xis` files, located in the Swift source.

/// Fixtures/valid/profiles.xis, written in Swift.
private let profiles = Scenario {
    Plugins {
        Use("rand", "Random", ["min": "0", "max": "2000"])
        Use("common", "Common")
        Use("chrono", "Chrono")
        Use("counter", "Counter", ["start": "1", "shared": "enable;"])
    }
    Behavior("browse") {
        Control("chrono", "start")
        While("chrono", "lessThan", ["duration": "60000"]) {
            NChoice {
                Choice(9) {
                    Sample("rand", "action", ["successful": "enable;", "comment": "page ${counter:}"])
                }
                Choice(1) {
                    Sample("common", "log", ["duration": "${chrono:}", "comment": "slow page", "result": "", "successful": "", "iteration": "0"])
                }
            }
            Control("counter", "increment")
            Think("rand", "sleep")
        }
    }
    Behavior("buy") {
        If("common", "equals", ["left": "${counter:}", "right": "1"]) {
            Control("common", "alarm", ["message": "first buyer", "severity": "0"])
        } else: {
            Think("rand", "sleep")
        }
        Preemptive("common", "true") {
            Sample("rand", "action", ["successful": "enable;", "comment": "checkout"])
        }
    }
    Population {
        Group("browse", forceStop: true) {
            Line((0, 0), (30, 50), (90, 50))
            Arc((90, 50), (120, 0))
        }
        Group("buy", forceStop: false) {
            CrenelHV((0, 5), (60, 10))
            CrenelVH((60, 20), (100, 20))
        }
    }
}

@Suite struct DSLTests {
    @Test func dslAndFileBuildTheSameScenario() throws {
        let file = try ISAC.read(file: Fixtures.valid("profiles"))
        #expect(CanonicalForm.text(of: profiles) == CanonicalForm.text(of: file))
    }

    @Test func dummyScenarioInSwift() throws {
        let scenario = Scenario {
            Use("rand", "Random")
            Use("common", "Common")
            Behavior("B0") {
                Control("rand", "setUniform", ["min": "1", "max": "1000"])
                While("common", "true") {
                    Sample("rand", "action", ["successful": "enable;", "comment": "successful dummy request"])
                }
            }
            Group("B0") { Line((0, 20), (30, 20)) }
        }
        #expect(CanonicalForm.text(of: scenario) == CanonicalForm.text(of: try ISAC.read(file: Fixtures.valid("dummy"))))
    }

    @Test func dslScenarioCompiles() throws {
        let compiled = try CompiledScenario(profiles, plugins: Fixtures.plugins)
        #expect(compiled.behaviorIDs == ["browse", "buy"])
        #expect(compiled.warnings.isEmpty)
    }

    @Test func compilerDiagnosticsPointAtTheSwiftSource() {
        let line = #line
        let scenario = Scenario {
            Plugins { Use("rand", "Random") }
            Behavior("B0") { Sample("rand", "fetch") }
            Behavior("B1") { Think("rand", "sleep", ["unused": "1"]) }
            Group("B0") { Line((0, 1), (10, 1)) }
        }
        let diagnostics = CompiledScenario.check(scenario, plugins: Fixtures.plugins)
        // Swift gives a call's place as that of its opening parenthesis: in
        // `            Behavior("B0") { Sample(`, Behavior's is at 21 and Sample's at 36.
        expectDiagnostics(diagnostics, [
            Expected(file: #filePath, line: line + 3, column: 36, message: "plug-in Random has no sample 'fetch'"),
            // A parameter is located at its operation's call.
            Expected(file: #filePath, line: line + 4, column: 35, message: "Random.sleep has no parameter 'unused'", severity: .warning),
            Expected(file: #filePath, line: line + 4, column: 21, message: "behaviour 'B1' is used by no group", severity: .warning),
        ])
    }

    @Test func builderControlFlow() {
        let pages = ["/", "/about", "/contact"]
        let thinking = true
        let scenario = Scenario(directory: "/data") {
            Plugins {
                Use("rand", "Random")
                if thinking { Use("timer", "ConstantTimer", ["duration": "250"]) }
            }
            Behavior("B0") {
                for page in pages {
                    Sample("rand", "action", ["comment": page])
                }
                if thinking {
                    Think("timer", "sleep")
                } else {
                    Control("rand", "setUniform", ["min": "0", "max": "0"])
                }
                // A sequence kept in a variable, and a model step.
                [Step.timer(OperationUse(use: "rand", name: "sleep"))]
            }
            for behavior in ["B0"] {
                Group(behavior) { Line((0, 1), (5, 1)) }
            }
        }
        #expect(scenario.directory == "/data")
        #expect(scenario.plugins.map(\.id) == ["rand", "timer"])
        let comments = scenario.behaviors[0].steps.compactMap { step -> String? in
            if case .sample(let use) = step { use.parameters.constant("comment") } else { nil }
        }
        #expect(comments == pages)
        #expect(scenario.behaviors[0].steps.count == 5)
        #expect(scenario.groups.map(\.behavior) == ["B0"])
    }

    @Test func ifWithoutElseAndEmptyBlocks() {
        let scenario = Scenario {
            Behavior("B0") {
                If("common", "true") {
                    Sample("rand", "action")
                }
                NChoice {}
            }
            Behavior("idle") {}
        }
        guard case .ifThen(_, let then, let otherwise) = scenario.behaviors[0].steps.first else {
            Issue.record("expected an if")
            return
        }
        #expect(then.count == 1 && otherwise.isEmpty)
        #expect(scenario.behaviors[1].steps.isEmpty)
        #expect(scenario.groups.isEmpty)
    }

    @Test func aLineOfSeveralPointsIsConsecutiveRamps() {
        let group = Group("B0") { Line((0, 0), (10, 5), (20, 5), (30, 0)) }.group
        #expect(group.ramps == [
            Ramp(.line, from: .init(x: 0, y: 0), to: .init(x: 10, y: 5)),
            Ramp(.line, from: .init(x: 10, y: 5), to: .init(x: 20, y: 5)),
            Ramp(.line, from: .init(x: 20, y: 5), to: .init(x: 30, y: 0)),
        ])
        #expect(group.forceStop)
        #expect(group.curve.population(at: 15) == 5)
    }
}
