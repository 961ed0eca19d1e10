import ClifCore
import FractalXML

/// ISAC's `<use id="…" name="…">`: an instance of a plug-in type, with its parameters.
///
/// ```swift
/// Use("rand", "Random", ["min": "0", "max": "1000"])
/// ```
public struct Use {
    /// The model's plug-in use.
    public let use: PluginUse

    /// - Parameters:
    ///   - id: the instance's name, which steps give as their `use`.
    ///   - plugin: the plug-in type, as registered in the ``ClifCore/PluginRegistry``.
    ///   - parameters: the `<use>`'s parameters.
    ///   - file: with `line` and `column`, where it is written, for diagnostics (leave the defaults).
    public init(_ id: String, _ plugin: String, _ parameters: [String: String] = [:],
                file: String = #filePath, line: Int = #line, column: Int = #column) {
        let location = SourceLocation.call(file, line, column)
        use = PluginUse(id: id, plugin: plugin, parameters: Parameters(located: parameters.map { ($0.key, $0.value, location) }), location: location)
    }
}

/// ISAC's `<plugins>`: the plug-in instances a scenario's behaviours use.
public struct Plugins {
    /// The model's plug-in uses, in the order written.
    public let uses: [PluginUse]

    /// The `<use>`s, in order.
    public init(@PluginsBuilder _ uses: () -> [PluginUse]) {
        self.uses = uses()
    }
}
