import Foundation
import Logging

/// What the command-line tools log: one plain line on standard error per message
/// (`[n1] node n1 listening at …` for a node's own output), from `info` up.
struct LauncherLogHandler: LogHandler {
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let node = event.metadata?["node"] ?? metadata["node"]
        let prefix = node.map { "[\($0)] " } ?? (event.level >= .warning ? "\(event.level): " : "")
        FileHandle.standardError.write(Data("\(prefix)\(event.message)\n".utf8))
    }
}

extension Logger {
    /// A logger that writes plain lines on standard error, as the launchers' output.
    package static func launcher(_ label: String) -> Logger {
        Logger(label: label) { _ in LauncherLogHandler() }
    }
}
