import ClifCore

/// Builds the groups of a ``Population``.
@resultBuilder
public enum GroupBuilder {
    public static func buildExpression(_ group: Group) -> [PopulationGroup] { [group.group] }
    public static func buildExpression(_ group: PopulationGroup) -> [PopulationGroup] { [group] }
    public static func buildBlock(_ parts: [PopulationGroup]...) -> [PopulationGroup] { parts.flatMap { $0 } }
    public static func buildOptional(_ part: [PopulationGroup]?) -> [PopulationGroup] { part ?? [] }
    public static func buildEither(first part: [PopulationGroup]) -> [PopulationGroup] { part }
    public static func buildEither(second part: [PopulationGroup]) -> [PopulationGroup] { part }
    public static func buildArray(_ parts: [[PopulationGroup]]) -> [PopulationGroup] { parts.flatMap { $0 } }
}
