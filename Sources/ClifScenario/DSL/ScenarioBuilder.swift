import ClifCore
import FractalXML

/// What a ``ScenarioBuilder`` block holds: the model's plug-in uses, behaviours and groups, in
/// the order written.
public struct ScenarioContent: Sendable {
    /// `<plugins>`: the plug-in instances.
    public var plugins: [PluginUse] = []
    /// The `<behavior>`s.
    public var behaviors: [Behavior] = []
    /// `<loadprofile>`: a group per behaviour.
    public var groups: [PopulationGroup] = []

    /// Content holding these parts.
    public init(plugins: [PluginUse] = [], behaviors: [Behavior] = [], groups: [PopulationGroup] = []) {
        self.plugins = plugins
        self.behaviors = behaviors
        self.groups = groups
    }

    mutating func append(_ other: ScenarioContent) {
        plugins += other.plugins
        behaviors += other.behaviors
        groups += other.groups
    }
}

/// Builds a ``ClifCore/Scenario`` from ``Plugins``, ``Behavior``s and a ``Population``, as a
/// `.xis` file lays them out; ``Use`` and ``Group`` may also stand on their own.
@resultBuilder
public enum ScenarioBuilder {
    public static func buildExpression(_ plugins: Plugins) -> ScenarioContent { ScenarioContent(plugins: plugins.uses) }
    public static func buildExpression(_ use: Use) -> ScenarioContent { ScenarioContent(plugins: [use.use]) }
    public static func buildExpression(_ use: PluginUse) -> ScenarioContent { ScenarioContent(plugins: [use]) }
    public static func buildExpression(_ behavior: Behavior) -> ScenarioContent { ScenarioContent(behaviors: [behavior]) }
    public static func buildExpression(_ population: Population) -> ScenarioContent { ScenarioContent(groups: population.groups) }
    public static func buildExpression(_ group: Group) -> ScenarioContent { ScenarioContent(groups: [group.group]) }
    public static func buildExpression(_ group: PopulationGroup) -> ScenarioContent { ScenarioContent(groups: [group]) }
    public static func buildExpression(_ content: ScenarioContent) -> ScenarioContent { content }

    public static func buildBlock(_ parts: ScenarioContent...) -> ScenarioContent { merge(parts) }
    public static func buildOptional(_ part: ScenarioContent?) -> ScenarioContent { part ?? ScenarioContent() }
    public static func buildEither(first part: ScenarioContent) -> ScenarioContent { part }
    public static func buildEither(second part: ScenarioContent) -> ScenarioContent { part }
    public static func buildArray(_ parts: [ScenarioContent]) -> ScenarioContent { merge(parts) }

    private static func merge(_ parts: [ScenarioContent]) -> ScenarioContent {
        var content = ScenarioContent()
        for part in parts { content.append(part) }
        return content
    }
}

extension Scenario {
    /// A scenario written in Swift rather than in a `.xis` file:
    ///
    /// ```swift
    /// let scenario = Scenario {
    ///     Plugins {
    ///         Use("rand", "Random")
    ///         Use("common", "Common")
    ///     }
    ///     Behavior("B0") {
    ///         Control("rand", "setUniform", ["min": "500", "max": "1500"])
    ///         While("common", "true") {
    ///             NChoice {
    ///                 Choice(9) { Sample("rand", "action", ["successful": "enable;", "comment": "usual"]) }
    ///                 Choice(1) { Sample("common", "log", ["comment": "rare", "duration": "5"]) }
    ///             }
    ///             Think("rand", "sleep")
    ///         }
    ///     }
    ///     Population {
    ///         Group("B0") { Line((0, 0), (30, 20), (90, 20)) }
    ///     }
    /// }
    /// ```
    ///
    /// Each element is located where it is written, so that ``ClifCore/CompiledScenario``'s
    /// diagnostics name the Swift file and line.
    ///
    /// - Parameter directory: where plug-ins find the files the scenario names.
    public init(directory: String = ".", file: String = #filePath, line: Int = #line, column: Int = #column,
                @ScenarioBuilder _ content: () -> ScenarioContent) {
        let content = content()
        self.init(directory: directory, plugins: content.plugins, behaviors: content.behaviors, groups: content.groups,
                  location: .call(file, line, column))
    }
}
