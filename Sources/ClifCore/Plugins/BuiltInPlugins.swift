/// The plug-ins every registry starts with.
enum BuiltInPlugins {
    static func register(in registry: PluginRegistry) {
        registry.register(CommonPlugin())
        registry.register(RandomPlugin())
        registry.register(ContextPlugin())
        registry.register(ChronoPlugin())
        registry.register(ConstantTimerPlugin())
        registry.register(CounterPlugin())
        registry.register(CsvProviderPlugin())
        registry.register(ExtractorPlugin())
    }
}

/// Reading parameter values the way ISAC writes them.
extension SessionContext {
    /// A whole number of milliseconds, as nanoseconds; `fallback` when absent or empty.
    func milliseconds(_ name: String, of call: OperationCall, default fallback: Double = 0) throws -> Int64 {
        guard let text = string(name, of: call)?.trimmedASCII, !text.isEmpty else { return Int64(fallback * 1e6) }
        guard let value = Double(text), value >= 0 else {
            throw ScenarioError("\(call.name): '\(name)' must be a number of milliseconds ≥ 0, not '\(text)'", parameter: name)
        }
        return Int64(value * 1e6)
    }

    func checkbox(_ name: String, of call: OperationCall, default fallback: Bool) -> Bool {
        guard let text = string(name, of: call) else { return fallback }
        return ParameterValue.isChecked(text)
    }
}

extension ParameterValue {
    /// An ISAC checkbox: `enable;` (or `true`, `yes`) when checked, empty when not.
    public static func isChecked(_ text: String) -> Bool {
        let values = list(text.lowercased())
        return values.contains("enable") || values.contains("true") || values.contains("yes") || values.contains("on")
    }
}

/// Checks at compile time that a constant parameter is a number (references are checked when
/// they are resolved).
func checkNumber(_ operation: PreparingOperation, _ names: String..., minimum: Double = 0) throws {
    for name in names {
        guard let text = operation.parameters.constant(name)?.trimmedASCII, !text.isEmpty else { continue }
        guard let value = Double(text), value >= minimum else {
            throw ScenarioError("'\(name)' must be a number ≥ \(minimum == 0 ? "0" : String(minimum)), not '\(text)'", parameter: name)
        }
    }
}

import FractalXML
