import ClifCore

/// A scenario written out structurally, one element a line, without places or directory:
/// two scenarios with the same text mean the same thing (parameters in name order, values
/// quoted), whether read from a `.xis` file or built with the DSL.
package enum CanonicalForm {
    package static func text(of scenario: Scenario) -> String {
        var lines: [String] = []
        for use in scenario.plugins {
            lines.append("use \(quote(use.id)) \(quote(use.plugin))")
            parameters(use.parameters, depth: 1, into: &lines)
        }
        for behavior in scenario.behaviors {
            lines.append("behavior \(quote(behavior.id))")
            steps(behavior.steps, depth: 1, into: &lines)
        }
        for group in scenario.groups {
            lines.append("group \(quote(group.behavior)) forceStop=\(group.forceStop)")
            for ramp in group.ramps {
                lines.append("  ramp \(ramp.style.rawValue) (\(ramp.start.x), \(ramp.start.y)) -> (\(ramp.end.x), \(ramp.end.y))")
            }
        }
        return lines.joined(separator: "\n")
    }

    private static func steps(_ steps: [Step], depth: Int, into lines: inout [String]) {
        let indent = String(repeating: "  ", count: depth)
        for step in steps {
            switch step {
            case .sample(let operation): self.operation("sample", operation, depth: depth, into: &lines)
            case .timer(let operation): self.operation("timer", operation, depth: depth, into: &lines)
            case .control(let operation): self.operation("control", operation, depth: depth, into: &lines)
            case .whileLoop(let condition, let body):
                self.operation("while", condition, depth: depth, into: &lines)
                self.steps(body, depth: depth + 1, into: &lines)
            case .preemptive(let condition, let body):
                self.operation("preemptive", condition, depth: depth, into: &lines)
                self.steps(body, depth: depth + 1, into: &lines)
            case .ifThen(let condition, let then, let otherwise):
                self.operation("if", condition, depth: depth, into: &lines)
                lines.append(indent + "then")
                self.steps(then, depth: depth + 1, into: &lines)
                lines.append(indent + "else")
                self.steps(otherwise, depth: depth + 1, into: &lines)
            case .nchoice(let choices):
                lines.append(indent + "nchoice")
                for choice in choices {
                    lines.append(indent + "  choice \(choice.weight)")
                    self.steps(choice.steps, depth: depth + 2, into: &lines)
                }
            }
        }
    }

    private static func operation(_ kind: String, _ operation: OperationUse, depth: Int, into lines: inout [String]) {
        lines.append(String(repeating: "  ", count: depth) + "\(kind) \(quote(operation.use)).\(quote(operation.name))")
        parameters(operation.parameters, depth: depth + 1, into: &lines)
    }

    private static func parameters(_ parameters: Parameters, depth: Int, into lines: inout [String]) {
        for name in parameters.names {
            lines.append(String(repeating: "  ", count: depth) + "param \(quote(name)) = \(quote(parameters[name]?.source ?? ""))")
        }
    }

    private static func quote(_ text: String) -> String { text.debugDescription }
}
