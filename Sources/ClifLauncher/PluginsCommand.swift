import ArgumentParser
import ClifCore
import NIOPosix

/// `clif plugins`: what each plug-in offers, as docs/load-testing.md lists it.
struct PluginsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plugins", abstract: "List the plug-ins, their samples, timers, controls, conditions and parameters.",
        discussion: "Example: clif plugins --markdown > plugins.md")

    @Flag(help: "As a Markdown table.") var markdown = false

    func run() throws {
        let registry = Plugins.registry(group: MultiThreadedEventLoopGroup.singleton)
        print(PluginTable.text(registry.descriptors, markdown: markdown), terminator: "")
    }
}

enum PluginTable {
    static func text(_ descriptors: [PluginDescriptor], markdown: Bool) -> String {
        var out = ""
        for descriptor in descriptors {
            if markdown {
                out += "### \(descriptor.name)\n\n\(descriptor.summary).\n\n| kind | name | parameters | what it does |\n|---|---|---|---|\n"
                if !descriptor.parameters.isEmpty {
                    out += "| use | `<use name=\"\(descriptor.name)\">` | \(parameters(descriptor.parameters)) | the instance's settings |\n"
                }
                for kind in OperationKind.allCases {
                    for operation in descriptor.operations(kind) {
                        out += "| \(kind.rawValue) | `\(operation.name)` | \(parameters(operation.parameters)) | \(operation.summary) |\n"
                    }
                }
                if let variables = descriptor.variables, !variables.isEmpty {
                    out += "| variables | \(variables.map { "`${id:\($0)}`" }.joined(separator: ", ")) | | |\n"
                } else if descriptor.variables == nil {
                    out += "| variables | `${id:name}` (any name the instance knows) | | |\n"
                }
                out += "\n"
            } else {
                out += "\(descriptor.name): \(descriptor.summary)\n"
                if !descriptor.parameters.isEmpty { out += "  use: \(descriptor.parameters.map(\.name).joined(separator: ", "))\n" }
                for kind in OperationKind.allCases {
                    for operation in descriptor.operations(kind) {
                        out += "  \(kind.rawValue) \(operation.name)(\(operation.parameters.map { $0.required ? $0.name : $0.name + "?" }.joined(separator: ", "))): \(operation.summary)\n"
                    }
                }
            }
        }
        return out
    }

    private static func parameters(_ specs: [ParameterSpec]) -> String {
        specs.isEmpty ? "—" : specs.map { "`\($0.name)`\($0.required ? " (required)" : ""): \($0.summary)" }.joined(separator: "<br>")
    }
}
