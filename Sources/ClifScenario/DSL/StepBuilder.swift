import ClifCore

/// Builds the steps of a behaviour (or of a loop, a branch, a choice) from DSL elements, model
/// ``ClifCore/Step``s and arrays of steps (a sequence kept in a variable), with `if`, `switch`
/// and `for` as in any result builder.
@resultBuilder
public enum StepBuilder {
    public static func buildExpression(_ step: some BehaviorStep) -> [Step] { [step.step] }
    public static func buildExpression(_ step: Step) -> [Step] { [step] }
    public static func buildExpression(_ steps: [Step]) -> [Step] { steps }
    public static func buildBlock(_ parts: [Step]...) -> [Step] { parts.flatMap { $0 } }
    public static func buildOptional(_ part: [Step]?) -> [Step] { part ?? [] }
    public static func buildEither(first part: [Step]) -> [Step] { part }
    public static func buildEither(second part: [Step]) -> [Step] { part }
    public static func buildArray(_ parts: [[Step]]) -> [Step] { parts.flatMap { $0 } }
    public static func buildLimitedAvailability(_ part: [Step]) -> [Step] { part }
}
