import ClifCore

/// A scenario as text for people (`clif scenario show`): its plug-in instances, each behaviour
/// as an indented tree, and per group the population at each breakpoint of its curve.
///
/// ```text
/// Plug-ins
///   rand    Random   max=1000
///   common  Common
/// Behaviours
///   B0
///     control rand.setUniform  max=1000, min=0
///     while common.true
///       sample rand.action  comment=hello, successful=enable;
/// Load profile: 60 s (1 min)
///   group B0 (forceStop: sessions still running at the end are stopped)
///          t (s)  sessions  then
///              0         0  line
///             30        20  line
///             60        20  end
/// ```
public enum ScenarioSummary {
    /// Parameter values longer than this are cut in the text.
    static let valueLimit = 60

    /// The text, lines ending with a newline.
    public static func text(of scenario: Scenario) -> String {
        var lines: [String] = []
        plugins(scenario.plugins, into: &lines)
        behaviors(scenario.behaviors, into: &lines)
        groups(scenario.groups, into: &lines)
        return lines.map { $0 + "\n" }.joined()
    }

    private static func plugins(_ uses: [PluginUse], into lines: inout [String]) {
        guard !uses.isEmpty else {
            lines.append("Plug-ins: none")
            return
        }
        lines.append("Plug-ins")
        let idWidth = uses.map(\.id.count).max() ?? 0
        let typeWidth = uses.map(\.plugin.count).max() ?? 0
        for use in uses {
            let parameters = list(use.parameters)
            var line = "  " + padded(use.id, idWidth) + "  " + (parameters.isEmpty ? use.plugin : padded(use.plugin, typeWidth) + "  " + parameters)
            while line.last == " " { line.removeLast() }
            lines.append(line)
        }
    }

    private static func behaviors(_ behaviors: [Behavior], into lines: inout [String]) {
        guard !behaviors.isEmpty else {
            lines.append("Behaviours: none")
            return
        }
        lines.append("Behaviours")
        for behavior in behaviors {
            lines.append("  \(behavior.id)" + (behavior.steps.isEmpty ? " (no steps)" : ""))
            steps(behavior.steps, depth: 2, into: &lines)
        }
    }

    private static func steps(_ steps: [Step], depth: Int, into lines: inout [String]) {
        let indent = String(repeating: "  ", count: depth)
        for step in steps {
            switch step {
            case .sample(let operation): lines.append(indent + describe("sample", operation))
            case .timer(let operation): lines.append(indent + describe("timer", operation))
            case .control(let operation): lines.append(indent + describe("control", operation))
            case .whileLoop(let condition, let body):
                lines.append(indent + describe("while", condition))
                self.steps(body, depth: depth + 1, into: &lines)
            case .preemptive(let condition, let body):
                lines.append(indent + describe("preemptive", condition))
                self.steps(body, depth: depth + 1, into: &lines)
            case .ifThen(let condition, let then, let otherwise):
                lines.append(indent + describe("if", condition))
                lines.append(indent + "then")
                self.steps(then, depth: depth + 1, into: &lines)
                if !otherwise.isEmpty {
                    lines.append(indent + "else")
                    self.steps(otherwise, depth: depth + 1, into: &lines)
                }
            case .nchoice(let choices):
                lines.append(indent + "nchoice")
                // Weights are bounded by the reader; the sum stays far from overflowing.
                let total = choices.reduce(0) { $0 + max($1.weight, 0) }
                for choice in choices {
                    let share = total > 0 ? " (\(percent(Double(max(choice.weight, 0)) / Double(total))))" : ""
                    lines.append(indent + "  choice \(choice.weight)\(share)")
                    self.steps(choice.steps, depth: depth + 2, into: &lines)
                }
            }
        }
    }

    private static func describe(_ kind: String, _ operation: OperationUse) -> String {
        let parameters = list(operation.parameters)
        return "\(kind) \(operation.use).\(operation.name)" + (parameters.isEmpty ? "" : "  " + parameters)
    }

    /// `name=value, …` in name order; empty values shown as `''`.
    private static func list(_ parameters: Parameters) -> String {
        parameters.names.map { name in
            let value = parameters[name]?.source ?? ""
            return "\(name)=\(value.isEmpty ? "''" : cut(value))"
        }.joined(separator: ", ")
    }

    // MARK: - Load profile

    private static func groups(_ groups: [PopulationGroup], into lines: inout [String]) {
        guard !groups.isEmpty else {
            lines.append("Load profile: none (give one on the command line)")
            return
        }
        let total = groups.map(\.curve.duration).max() ?? 0
        lines.append("Load profile: \(duration(total))")
        for group in groups {
            let ending = group.forceStop ? "sessions still running at the end are stopped" : "sessions still running at the end finish their behaviour"
            lines.append("  group \(group.behavior) (forceStop: \(ending))")
            guard !group.ramps.isEmpty else {
                lines.append("    no ramp: no session runs")
                continue
            }
            let rows = breakpoints(of: group)
            let width = max(5, rows.map(\.time.count).max() ?? 0)
            let sessionsWidth = max(8, rows.map(\.sessions.count).max() ?? 0)
            lines.append("    " + padded("t (s)", width, right: true) + "  " + padded("sessions", sessionsWidth, right: true) + "  then")
            for row in rows {
                lines.append("    " + padded(row.time, width, right: true) + "  " + padded(row.sessions, sessionsWidth, right: true) + "  " + row.then)
            }
            lines.append("    ends at \(duration(group.curve.duration))")
        }
    }

    /// At each x where a ramp starts or ends: the sessions wanted from then on and the ramp that
    /// follows; at the end of the curve, its last value.
    private static func breakpoints(of group: PopulationGroup) -> [(time: String, sessions: String, then: String)] {
        let curve = group.curve
        let end = curve.duration
        let times = Set(group.ramps.flatMap { [$0.start.x, $0.end.x] }).sorted()
        return times.map { t in
            let next = group.ramps.last { $0.start.x <= t && t < $0.end.x } ?? group.ramps.first { $0.start.x == t && $0.end.x == t }
            let sessions: String
            if t >= end, let last = group.ramps.max(by: { $0.end.x < $1.end.x }) {
                sessions = number(last.end.y.rounded(.down))
            } else if t < 0 {
                sessions = "0"
            } else {
                sessions = String(curve.population(at: t))
            }
            let then = t >= end ? "end" : next.map(\.style.rawValue) ?? "hold"
            return (number(t), sessions, then)
        }
    }

    // MARK: - Formatting

    private static func number(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        return String(value)
    }

    private static func percent(_ fraction: Double) -> String {
        let tenths = (fraction * 1000).rounded()
        return tenths.truncatingRemainder(dividingBy: 10) == 0 ? "\(Int(tenths / 10)) %" : "\(tenths / 10) %"
    }

    /// `90 s (1 min 30 s)`.
    static func duration(_ seconds: Double) -> String {
        guard seconds >= 60, seconds < 1e12 else { return "\(number(seconds)) s" }
        let whole = Int(seconds.rounded(.down))
        let (hours, minutes, rest) = (whole / 3600, whole % 3600 / 60, seconds - Double(whole / 60 * 60))
        var parts: [String] = []
        if hours > 0 { parts.append("\(hours) h") }
        if minutes > 0 { parts.append("\(minutes) min") }
        if rest > 0 { parts.append("\(number(rest)) s") }
        return "\(number(seconds)) s (\(parts.joined(separator: " ")))"
    }

    private static func cut(_ text: String) -> String {
        guard text.utf8.count > valueLimit, text.count > valueLimit else { return text }
        return String(text.prefix(valueLimit)) + "…"
    }

    private static func padded(_ text: String, _ width: Int, right: Bool = false) -> String {
        let padding = String(repeating: " ", count: max(0, width - text.count))
        return right ? padding + text : text + padding
    }
}
