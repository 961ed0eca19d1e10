/// A line of an HdrHistogram log that cannot be read, located.
public struct HistogramLogError: Error, CustomStringConvertible, Sendable {
    public var file: String
    public var line: Int
    public var reason: String

    init(_ file: String, _ line: Int, _ reason: String) {
        self.file = file
        self.line = line
        self.reason = reason
    }

    public var description: String { "\(file):\(line):1: error: \(reason)" }
}
