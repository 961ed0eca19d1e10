/// A message a scenario raised (Common's `alarm`), as a line of CLIF's `alarm` file:
/// date in milliseconds since the start, severity 0 (info) to 3 (fatal), message.
public struct Alarm: Sendable, Hashable, Codable {
    public var date: Int64
    public var severity: Int
    public var message: String

    public init(date: Int64, severity: Int, message: String) {
        self.date = date
        self.severity = severity
        self.message = message
    }

    public static let fileHeader = "# date, severity, message"
    public var line: String { "\(date),\(severity),\(message.map { $0 == "\n" ? " " : $0 }.reduce(into: "") { $0.append($1) })" }
}
