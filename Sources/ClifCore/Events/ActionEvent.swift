/// One measured call, as CLIF records it: the line of an `action` file.
///
/// `date` is the completion time in milliseconds since the test started, `duration` the
/// call's duration in milliseconds; `result` is written `null` when there is none.
public struct ActionEvent: Sendable, Hashable, Codable {
    public var date: Int64
    public var sessionID: Int
    public var type: String
    public var iteration: Int
    public var success: Bool
    public var duration: Int64
    public var comment: String
    public var result: String?

    public init(date: Int64, sessionID: Int, type: String, iteration: Int, success: Bool, duration: Int64, comment: String, result: String?) {
        self.date = date
        self.sessionID = sessionID
        self.type = type
        self.iteration = iteration
        self.success = success
        self.duration = duration
        self.comment = comment
        self.result = result
    }

    /// The header line of an `action` file, exactly as CLIF writes it.
    public static let fileHeader = "# date, session id, action type, iteration, success, duration, comment, result"

    /// The event as a line of an `action` file (no newline). Commas and line breaks inside the
    /// text fields are written as spaces: CLIF does not quote, and readers split on the first
    /// seven commas.
    public var line: String {
        "\(date),\(sessionID),\(Self.field(type)),\(iteration),\(success),\(duration),\(Self.field(comment)),\(result.map(Self.lastField) ?? "null")"
    }

    /// Reads a line of an `action` file; nil for the header, comments and malformed lines.
    public init?(line: Substring) {
        guard !line.hasPrefix("#") else { return nil }
        let parts = line.split(separator: ",", maxSplits: 7, omittingEmptySubsequences: false)
        guard parts.count == 8, let date = Int64(parts[0]), let session = Int(parts[1]),
              let iteration = Int(parts[3]), let duration = Int64(parts[5]),
              parts[4] == "true" || parts[4] == "false" else { return nil }
        let result = parts[7].hasSuffix("\r") ? parts[7].dropLast() : parts[7]
        self.init(date: date, sessionID: session, type: String(parts[2]), iteration: iteration,
                  success: parts[4] == "true", duration: duration, comment: String(parts[6]),
                  result: result == "null" ? nil : String(result))
    }

    private static func field(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == UInt8(ascii: ",") || $0 == 0x0A || $0 == 0x0D }) else { return text }
        return String(text.map { $0 == "," || $0 == "\n" || $0 == "\r" ? " " : $0 })
    }

    private static func lastField(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 0x0A || $0 == 0x0D }) else { return text }
        return String(text.map { $0 == "\n" || $0 == "\r" ? " " : $0 })
    }
}
