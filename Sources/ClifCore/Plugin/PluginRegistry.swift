import Synchronization

/// Plug-in types by name, as a scenario's `<use name="…">` names them.
public final class PluginRegistry: Sendable {
    /// The registry with the built-in plug-ins, which programs extend with their own.
    public static let shared = PluginRegistry(builtIns: true)

    private let plugins = Mutex<[String: any ScenarioPlugin]>([:])

    /// A registry with the built-in plug-ins (`Random`, `Common`, `Context`, `Chrono`,
    /// `ConstantTimer`, `Counter`, `CsvProvider`, `Extractor`), or an empty one.
    public init(builtIns: Bool = true) {
        if builtIns { BuiltInPlugins.register(in: self) }
    }

    public func register(_ plugin: any ScenarioPlugin) {
        plugins.withLock { $0[plugin.descriptor.name] = plugin }
    }

    public func plugin(named name: String) -> (any ScenarioPlugin)? {
        plugins.withLock { $0[name] }
    }

    public var names: [String] { plugins.withLock { $0.keys.sorted() } }

    public var descriptors: [PluginDescriptor] { plugins.withLock { $0.values.map(\.descriptor) }.sorted { $0.name < $1.name } }
}
