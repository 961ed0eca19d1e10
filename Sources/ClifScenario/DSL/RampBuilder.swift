import ClifCore

/// Builds the ramps of a ``Group``.
@resultBuilder
public enum RampBuilder {
    public static func buildExpression(_ shape: some RampShape) -> [Ramp] { shape.ramps }
    public static func buildExpression(_ ramp: Ramp) -> [Ramp] { [ramp] }
    public static func buildBlock(_ parts: [Ramp]...) -> [Ramp] { parts.flatMap { $0 } }
    public static func buildOptional(_ part: [Ramp]?) -> [Ramp] { part ?? [] }
    public static func buildEither(first part: [Ramp]) -> [Ramp] { part }
    public static func buildEither(second part: [Ramp]) -> [Ramp] { part }
    public static func buildArray(_ parts: [[Ramp]]) -> [Ramp] { parts.flatMap { $0 } }
}
