import ClifCore

/// Builds the content of ``Plugins``.
@resultBuilder
public enum PluginsBuilder {
    public static func buildExpression(_ use: Use) -> [PluginUse] { [use.use] }
    public static func buildExpression(_ use: PluginUse) -> [PluginUse] { [use] }
    public static func buildBlock(_ parts: [PluginUse]...) -> [PluginUse] { parts.flatMap { $0 } }
    public static func buildOptional(_ part: [PluginUse]?) -> [PluginUse] { part ?? [] }
    public static func buildEither(first part: [PluginUse]) -> [PluginUse] { part }
    public static func buildEither(second part: [PluginUse]) -> [PluginUse] { part }
    public static func buildArray(_ parts: [[PluginUse]]) -> [PluginUse] { parts.flatMap { $0 } }
}
