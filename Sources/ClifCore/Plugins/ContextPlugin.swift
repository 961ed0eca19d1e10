import Foundation

/// `Context`: variables of the session, from the `<use>`'s `variables` list (`name=value;`) and
/// from Java properties files beside the scenario (`files`: `dummy.props;`).
struct ContextPlugin: ScenarioPlugin {
    let descriptor = PluginDescriptor(
        name: "Context", summary: "session variables, set inline or read from properties files beside the scenario",
        parameters: [ParameterSpec("variables", "name=value; pairs"), ParameterSpec("files", "properties files beside the scenario, ;-terminated")],
        controls: [OperationSpec("set", "sets a variable", [ParameterSpec("name", "the variable", required: true), ParameterSpec("value", "its value")])],
        conditions: [OperationSpec("isSet", "holds when a variable has a value", [ParameterSpec("name", "the variable", required: true)])],
        variables: nil)

    func prepare(_ operation: PreparingOperation) throws -> (any Sendable)? {
        _ = try Self.initialValues(operation.useParameters, directory: operation.directory)
        return nil
    }

    func makeInstance(_ context: InstanceContext) throws -> any PluginInstance {
        let directory = context.directory
        let parameters = context.parameters
        let values = try context.shared.value("values") { try Self.initialValues(parameters, directory: directory) }
        return Instance(values: values)
    }

    static func initialValues(_ parameters: Parameters, directory: String) throws -> [String: String] {
        var values: [String: String] = [:]
        for file in ParameterValue.list(parameters.constant("files") ?? "") {
            let path = scenarioFile(file, in: directory)
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ScenarioError("Context: no properties file '\(file)' beside the scenario (looked for \(path))", parameter: "files")
            }
            for (key, value) in JavaProperties.parse(String(decoding: data, as: UTF8.self)) { values[key] = value }
        }
        for pair in ParameterValue.list(parameters.constant("variables") ?? "") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            values[String(parts[0]).trimmedASCII] = parts.count > 1 ? String(parts[1]) : ""
        }
        return values
    }

    final class Instance: PluginInstance {
        var values: [String: String]
        init(values: [String: String]) { self.values = values }

        func control(_ call: OperationCall, _ session: SessionContext) async throws {
            guard let name = session.string("name", of: call), !name.isEmpty else { throw ScenarioError("Context.set: 'name' is empty") }
            values[name] = session.string("value", of: call) ?? ""
        }

        func condition(_ call: OperationCall, _ session: SessionContext) async throws -> Bool {
            values[session.string("name", of: call) ?? ""] != nil
        }

        func variable(_ name: String, _ session: SessionContext) -> String? { values[name] }
    }
}

import FractalXML
