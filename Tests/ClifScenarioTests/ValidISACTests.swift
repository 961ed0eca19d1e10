import ClifCore
import ClifScenario
import Foundation
import FractalXML
import Testing

// Scenario files as CLIF writes them (Fixtures/valid): each reads and compiles without a single
// diagnostic, and reads into the model with every element located.

@Suite struct ValidISACTests {
    @Test(arguments: ["dummy", "context", "profiles", "crlf", "latin1"])
    func fixtureReadsAndCompilesCleanly(_ name: String) throws {
        let path = Fixtures.valid(name)
        #expect(ISAC.check(file: path, plugins: Fixtures.plugins).isEmpty, "\(listing(ISAC.check(file: path, plugins: Fixtures.plugins)))")
        let compiled = try ISAC.compile(file: path, plugins: Fixtures.plugins)
        #expect(compiled.warnings.isEmpty)
        #expect(compiled.scenario.directory == Fixtures.folder + "/valid")
    }

    @Test func dummyScenario() throws {
        let path = Fixtures.valid("dummy")
        let scenario = try ISAC.read(file: path)
        #expect(scenario.location == Location(file: path, line: 3, column: 1))

        // The GUI's `<param name="id" value=''/>` is no parameter.
        #expect(scenario.plugins.map(\.id) == ["rand", "common"])
        #expect(scenario.plugins.map(\.plugin) == ["Random", "Common"])
        #expect(scenario.plugins.allSatisfy { $0.parameters.names.isEmpty })
        #expect(scenario.plugins[0].location == Location(file: path, line: 6, column: 7))

        let behavior = try #require(scenario.behaviors.first)
        #expect(scenario.behaviors.count == 1)
        #expect(behavior.id == "B0")
        #expect(behavior.location == Location(file: path, line: 17, column: 5))
        guard behavior.steps.count == 2, case .control(let uniform) = behavior.steps[0],
              case .whileLoop(let condition, let body) = behavior.steps[1], body.count == 1, case .sample(let action) = body[0] else {
            Issue.record("unexpected steps: \(behavior.steps)")
            return
        }
        #expect(uniform.use == "rand" && uniform.name == "setUniform")
        #expect(uniform.parameters.names == ["max", "min"])
        #expect(uniform.parameters.constant("min") == "1")
        // Each parameter is located at its <param>.
        #expect(uniform.parameters.location(of: "min") == Location(file: path, line: 21, column: 11))
        #expect(condition.use == "common" && condition.name == "true")
        #expect(condition.location == Location(file: path, line: 26, column: 9))
        #expect(action.parameters.constant("successful") == "enable;")
        #expect(ParameterValue.isChecked(action.parameters.constant("successful") ?? ""))
        #expect(action.parameters.constant("comment") == "successful dummy request")

        let group = try #require(scenario.groups.first)
        #expect(group.behavior == "B0" && group.forceStop)
        #expect(group.location == Location(file: path, line: 39, column: 5))
        #expect(group.ramps == [Ramp(.line, from: .init(x: 0, y: 20), to: .init(x: 30, y: 20))])
        #expect(group.ramps.first?.location == Location(file: path, line: 40, column: 7))
    }

    @Test func contextScenario() throws {
        let path = Fixtures.valid("context")
        let scenario = try ISAC.read(file: path)
        let const = try #require(scenario.plugins.first { $0.id == "const" })
        #expect(const.parameters.constant("variables") == "min=100;max=500;")
        #expect(ParameterValue.list(const.parameters.constant("variables") ?? "") == ["min=100", "max=500"])
        #expect(const.parameters.constant("files") == "")
        let ctx = try #require(scenario.plugins.first { $0.id == "ctx" })
        #expect(ParameterValue.list(ctx.parameters.constant("files") ?? "") == ["dummy.props"])

        guard case .control(let uniform) = scenario.behaviors.first?.steps.first else {
            Issue.record("the first step should be rand.setUniform")
            return
        }
        #expect(uniform.parameters["max"]?.pieces == [.variable(instance: "const", name: "max")])
        guard case .whileLoop(_, let body) = scenario.behaviors.first?.steps.last, body.count == 2,
              case .ifThen(let isSet, let then, let otherwise) = body[0], case .sample(let log) = body[1] else {
            Issue.record("the loop should hold an if and a log")
            return
        }
        #expect(isSet.use == "ctx" && isSet.parameters.constant("name") == "user")
        #expect(then.count == 1 && otherwise.count == 1)
        #expect(log.parameters["duration"]?.references.map(\.instance) == ["rand"])
        #expect(log.parameters["duration"]?.references.map(\.name) == [""])
        #expect(log.parameters["comment"]?.pieces == [.text("elapsed "), .variable(instance: "chrono", name: ""), .text(" ms")])
        #expect(scenario.groups.first?.ramps.count == 2)

        // Compiling opens dummy.props beside the scenario (which has no final newline).
        #expect(try ISAC.compile(file: path, plugins: Fixtures.plugins).behaviorIDs == ["B0"])
    }

    @Test func profilesScenario() throws {
        let path = Fixtures.valid("profiles")
        let scenario = try ISAC.read(file: path)
        // Blank lines and spaces before the DOCTYPE, which has single quotes.
        #expect(scenario.location == Location(file: path, line: 4, column: 1))
        #expect(scenario.plugins.map(\.id) == ["rand", "common", "chrono", "counter"])
        #expect(scenario.plugins[0].parameters.names == ["max", "min"])
        #expect(scenario.behaviors.map(\.id) == ["browse", "buy"])

        guard case .whileLoop(let lessThan, let body) = scenario.behaviors[0].steps.last,
              case .nchoice(let choices) = body.first else {
            Issue.record("browse should loop over an nchoice")
            return
        }
        #expect(lessThan.parameters.constant("duration") == "60000")
        #expect(choices.map(\.weight) == [9, 1])
        #expect(choices.map(\.location?.line) == [46, 55])
        #expect(choices.map(\.steps.count) == [1, 1])
        guard case .sample(let log) = choices[1].steps.first else {
            Issue.record("the second choice should log")
            return
        }
        // `value=''` is an empty value, not a missing one.
        #expect(log.parameters.constant("result") == "")
        #expect(log.parameters.constant("successful") == "")

        guard scenario.behaviors[1].steps.count == 2, case .ifThen(let equals, let then, let otherwise) = scenario.behaviors[1].steps[0],
              case .preemptive(let always, let checkout) = scenario.behaviors[1].steps[1] else {
            Issue.record("buy should be an if then a preemptive")
            return
        }
        #expect(equals.name == "equals" && then.count == 1 && otherwise.count == 1)
        #expect(always.name == "true" && checkout.count == 1)

        // A ramp of three points is two ramps of its style; the second starts at its middle point.
        let browse = scenario.groups[0]
        #expect(browse.forceStop)
        #expect(browse.ramps == [
            Ramp(.line, from: .init(x: 0, y: 0), to: .init(x: 30, y: 50)),
            Ramp(.line, from: .init(x: 30, y: 50), to: .init(x: 90, y: 50)),
            Ramp(.arc, from: .init(x: 90, y: 50), to: .init(x: 120, y: 0)),
        ])
        #expect(browse.ramps.map(\.location) == [
            Location(file: path, line: 104, column: 7),
            Location(file: path, line: 107, column: 11),
            Location(file: path, line: 111, column: 7),
        ])
        let buy = scenario.groups[1]
        #expect(!buy.forceStop)
        #expect(buy.ramps.map(\.style) == [.crenelHV, .crenelVH])
        #expect(buy.curve.duration == 100)
    }

    @Test func crlfLineEndsChangeNothing() throws {
        let path = Fixtures.valid("crlf")
        let bytes = try #require(FileManager.default.contents(atPath: path))
        #expect(bytes.contains(0x0D), "the fixture must keep its CRLF line ends")
        let withCRLF = try ISAC.read(file: path)
        let withLF = try ISAC.read(Array(bytes).filter { $0 != 0x0D }, file: path, directory: Fixtures.folder + "/valid")
        #expect(CanonicalForm.text(of: withCRLF) == CanonicalForm.text(of: withLF))
        #expect(Locations.all(withCRLF) == Locations.all(withLF))
        #expect(withCRLF.groups.first?.ramps.first?.location == Location(file: path, line: 52, column: 7))
        #expect(withCRLF.groups.first?.forceStop == false)
    }

    @Test func latin1Encoding() throws {
        let scenario = try ISAC.read(file: Fixtures.valid("latin1"))
        #expect(scenario.behaviors.map(\.id) == ["requête"])
        #expect(scenario.groups.map(\.behavior) == ["requête"])
        guard case .sample(let action) = scenario.behaviors.first?.steps.first else {
            Issue.record("expected a sample")
            return
        }
        #expect(action.parameters.constant("comment") == "requête réussie à ½ charge")
    }

    @Test func readingFromBytesNamesTheGivenFileAndDirectory() throws {
        let bytes = try #require(FileManager.default.contents(atPath: Fixtures.valid("dummy")))
        let scenario = try ISAC.read(Array(bytes), file: "memory.xis", directory: "/somewhere")
        #expect(scenario.directory == "/somewhere")
        #expect(scenario.behaviors.first?.location?.file == "memory.xis")
    }

    @Test func directoryOfAPath() {
        #expect(ISAC.directory(of: "a/b/c.xis") == "a/b")
        #expect(ISAC.directory(of: "c.xis") == ".")
        #expect(ISAC.directory(of: "/c.xis") == "/")
    }
}

/// Every location of a scenario's model, in order, to compare two readings.
enum Locations {
    static func all(_ scenario: Scenario) -> [Location?] {
        var result: [Location?] = [scenario.location]
        for use in scenario.plugins {
            result.append(use.location)
            result += use.parameters.names.map { use.parameters.location(of: $0) }
        }
        for behavior in scenario.behaviors {
            result.append(behavior.location)
            steps(behavior.steps, into: &result)
        }
        for group in scenario.groups {
            result.append(group.location)
            result += group.ramps.map(\.location)
        }
        return result
    }

    private static func steps(_ steps: [Step], into result: inout [Location?]) {
        func operation(_ use: OperationUse) {
            result.append(use.location)
            result += use.parameters.names.map { use.parameters.location(of: $0) }
        }
        for step in steps {
            switch step {
            case .sample(let use), .timer(let use), .control(let use): operation(use)
            case .whileLoop(let condition, let body), .preemptive(let condition, let body):
                operation(condition)
                self.steps(body, into: &result)
            case .ifThen(let condition, let then, let otherwise):
                operation(condition)
                self.steps(then, into: &result)
                self.steps(otherwise, into: &result)
            case .nchoice(let choices):
                for choice in choices {
                    result.append(choice.location)
                    self.steps(choice.steps, into: &result)
                }
            }
        }
    }
}
