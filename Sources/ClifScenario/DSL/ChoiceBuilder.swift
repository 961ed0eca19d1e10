import ClifCore

/// Builds the choices of an ``NChoice``.
@resultBuilder
public enum ChoiceBuilder {
    public static func buildExpression(_ choice: Choice) -> [Step.Choice] { [choice.choice] }
    public static func buildExpression(_ choice: Step.Choice) -> [Step.Choice] { [choice] }
    public static func buildBlock(_ parts: [Step.Choice]...) -> [Step.Choice] { parts.flatMap { $0 } }
    public static func buildOptional(_ part: [Step.Choice]?) -> [Step.Choice] { part ?? [] }
    public static func buildEither(first part: [Step.Choice]) -> [Step.Choice] { part }
    public static func buildEither(second part: [Step.Choice]) -> [Step.Choice] { part }
    public static func buildArray(_ parts: [[Step.Choice]]) -> [Step.Choice] { parts.flatMap { $0 } }
}
