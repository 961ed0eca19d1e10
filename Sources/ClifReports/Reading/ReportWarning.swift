/// A line of a report file that was skipped, or a file that could not be used, with where it is.
///
/// Reading never stops at a bad line: the line is skipped, counted, and described here, so a
/// person can find it (`report/run/inj2/action:4: …`).
public struct ReportWarning: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The file's path.
    public var file: String
    /// The line, from 1; 0 when the warning is about the whole file.
    public var line: Int
    public var message: String

    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    /// `file:line: warning: message` (`file: warning: message` for a whole file).
    public var description: String {
        line > 0 ? "\(file):\(line): warning: \(message)" : "\(file): warning: \(message)"
    }
}
