import ClifCore

// The steps of a behaviour, one DSL element per ISAC element. Each takes the plug-in instance
// (`use`), the operation's name and its parameters, as `<sample use="…" name="…">` does; the
// parameter values are ISAC's, `${id:variable}` references included. Each element remembers
// where it is written, so that compiling the scenario points at the Swift line at fault.

/// ISAC's `<sample>`: a measured call, one action event each.
public struct Sample: BehaviorStep {
    /// The model's step.
    public let step: Step

    /// Calls operation `name` of plug-in instance `use` (a `<use>`'s id) with `parameters`;
    /// `file`, `line` and `column` locate the step for diagnostics (leave their defaults).
    public init(_ use: String, _ name: String, _ parameters: [String: String] = [:],
                file: String = #filePath, line: Int = #line, column: Int = #column) {
        step = .sample(OperationUse(use, name, parameters, at: .call(file, line, column)))
    }
}

/// ISAC's `<timer>`: think time, not measured. (Named so because Foundation has a `Timer`.)
public struct Think: BehaviorStep {
    /// The model's step.
    public let step: Step

    /// Calls operation `name` of plug-in instance `use` (a `<use>`'s id) with `parameters`;
    /// `file`, `line` and `column` locate the step for diagnostics (leave their defaults).
    public init(_ use: String, _ name: String, _ parameters: [String: String] = [:],
                file: String = #filePath, line: Int = #line, column: Int = #column) {
        step = .timer(OperationUse(use, name, parameters, at: .call(file, line, column)))
    }
}

/// ISAC's `<control>`: changes a plug-in instance's state.
public struct Control: BehaviorStep {
    /// The model's step.
    public let step: Step

    /// Calls operation `name` of plug-in instance `use` (a `<use>`'s id) with `parameters`;
    /// `file`, `line` and `column` locate the step for diagnostics (leave their defaults).
    public init(_ use: String, _ name: String, _ parameters: [String: String] = [:],
                file: String = #filePath, line: Int = #line, column: Int = #column) {
        step = .control(OperationUse(use, name, parameters, at: .call(file, line, column)))
    }
}

/// ISAC's `<while>`: repeats its body while the condition (`use`, `name`, parameters) holds.
///
/// ```swift
/// While("chrono", "lessThan", ["duration": "60000"]) { Sample("rand", "action") }
/// ```
public struct While: BehaviorStep {
    /// The model's step.
    public let step: Step

    /// `body` under condition `name` of plug-in instance `use` (a `<use>`'s id), given
    /// `parameters`; `file`, `line` and `column` locate it (leave their defaults).
    public init(_ use: String, _ name: String, _ parameters: [String: String] = [:],
                file: String = #filePath, line: Int = #line, column: Int = #column,
                @StepBuilder _ body: () -> [Step]) {
        step = .whileLoop(OperationUse(use, name, parameters, at: .call(file, line, column)), body: body())
    }
}

/// ISAC's `<preemptive>`: runs its body, leaving it as soon as the condition no longer holds.
public struct Preemptive: BehaviorStep {
    /// The model's step.
    public let step: Step

    /// `body` under condition `name` of plug-in instance `use` (a `<use>`'s id), given
    /// `parameters`; `file`, `line` and `column` locate it (leave their defaults).
    public init(_ use: String, _ name: String, _ parameters: [String: String] = [:],
                file: String = #filePath, line: Int = #line, column: Int = #column,
                @StepBuilder _ body: () -> [Step]) {
        step = .preemptive(OperationUse(use, name, parameters, at: .call(file, line, column)), body: body())
    }
}

/// ISAC's `<if>`, with its `<then>` and optional `<else>`:
///
/// ```swift
/// If("ctx", "isSet", ["name": "user"]) {
///     Sample("rand", "action")
/// } else: {
///     Control("ctx", "set", ["name": "user", "value": "guest"])
/// }
/// ```
public struct If: BehaviorStep {
    /// The model's step.
    public let step: Step

    /// `then` when condition `name` of plug-in instance `use` (a `<use>`'s id), given
    /// `parameters`, holds, else `otherwise`; `file`, `line` and `column` locate it.
    public init(_ use: String, _ name: String, _ parameters: [String: String] = [:],
                file: String = #filePath, line: Int = #line, column: Int = #column,
                @StepBuilder then: () -> [Step], @StepBuilder else otherwise: () -> [Step] = { [] }) {
        step = .ifThen(OperationUse(use, name, parameters, at: .call(file, line, column)), then: then(), else: otherwise())
    }
}

/// ISAC's `<nchoice>`: runs one of its choices, drawn in proportion to their weights.
///
/// ```swift
/// NChoice {
///     Choice(9) { Sample("rand", "action") }
///     Choice(1) { Control("common", "alarm", ["message": "rare path"]) }
/// }
/// ```
public struct NChoice: BehaviorStep {
    /// The model's step.
    public let step: Step

    /// The ``Choice``s, one of which runs each time.
    public init(@ChoiceBuilder _ choices: () -> [Step.Choice]) {
        step = .nchoice(choices())
    }
}

/// ISAC's `<choice proba="…">`: a branch of an ``NChoice`` and its whole-number weight
/// (`Choice(9)` and `Choice(1)` are taken 90 % and 10 % of the time).
public struct Choice {
    /// The model's choice.
    public let choice: Step.Choice

    /// `steps`, taken in proportion to `weight` (a whole number above 0) among the choices.
    public init(_ weight: Int, file: String = #filePath, line: Int = #line, column: Int = #column,
                @StepBuilder _ steps: () -> [Step]) {
        choice = Step.Choice(weight: weight, steps: steps(), location: .call(file, line, column))
    }
}
