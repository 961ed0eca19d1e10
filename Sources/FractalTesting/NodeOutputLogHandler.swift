import Foundation
import Logging

/// Where the node processes' log goes: each line a process writes, which `NodeProcesses` logs
/// with the node's name as metadata, to that node's ``NodeOutput``; warnings to standard error.
struct NodeOutputLogHandler: LogHandler {
    let outputs: [String: NodeOutput]
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        if let node = (event.metadata?["node"] ?? metadata["node"]).map({ "\($0)" }), let output = outputs[node] {
            output.append(event.message.description)
        } else if event.level >= .warning {
            FileHandle.standardError.write(Data("\(event.level): \(event.message)\n".utf8))
        }
    }
}

extension Logger {
    /// A logger that hands node processes' lines to `outputs`.
    static func nodeOutputs(_ outputs: [String: NodeOutput]) -> Logger {
        Logger(label: "fractal.testing") { _ in NodeOutputLogHandler(outputs: outputs) }
    }
}
