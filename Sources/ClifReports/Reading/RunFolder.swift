/// One run of a report directory: a folder named `<test>_<yyyy-MM-dd>_<HH>h<mm>m<ss>`, with the
/// test plan (`.ctp`) beside it under the same name.
public struct RunFolder: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    /// The folder's name (`dummy1_2012-03-27_15h14m41`).
    public var name: String
    /// The test's name: the folder's name without the date (`dummy1`; it may hold underscores).
    public var testName: String
    /// The folder's path.
    public var path: String
    /// The start of the run as its name writes it, in the local time of the console that ran it.
    public var timestamp: Timestamp

    /// Date and time as written in a run's name; compared field by field.
    public struct Timestamp: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
        public var year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int

        public init(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
            self.year = year
            self.month = month
            self.day = day
            self.hour = hour
            self.minute = minute
            self.second = second
        }

        public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
            (lhs.year, lhs.month, lhs.day, lhs.hour, lhs.minute, lhs.second) < (rhs.year, rhs.month, rhs.day, rhs.hour, rhs.minute, rhs.second)
        }

        /// `2012-03-27 15:14:41`.
        public var description: String {
            func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
            return "\(year)-\(two(month))-\(two(day)) \(two(hour)):\(two(minute)):\(two(second))"
        }
    }

    public init(name: String, testName: String, path: String, timestamp: Timestamp) {
        self.name = name
        self.testName = testName
        self.path = path
        self.timestamp = timestamp
    }

    /// The run a folder's name describes, or nil when the name is not `<test>_<date>_<time>`.
    public init?(name: String, path: String) {
        // …_yyyy-MM-dd_HHhmmmss: 20 characters after the test's name.
        let characters = Array(name.utf8)
        let suffix = 20
        guard characters.count > suffix else { return nil }
        let tail = Array(characters[(characters.count - suffix)...])
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                let byte = tail[index]
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        let separators: [(Int, Character)] = [(0, "_"), (5, "-"), (8, "-"), (11, "_"), (14, "h"), (17, "m")]
        guard separators.allSatisfy({ tail[$0.0] == $0.1.asciiValue! }),
              let year = number(1..<5), let month = number(6..<8), let day = number(9..<11),
              let hour = number(12..<14), let minute = number(15..<17), let second = number(18..<20),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else { return nil }
        self.init(name: name, testName: String(decoding: characters[..<(characters.count - suffix)], as: UTF8.self), path: path,
                  timestamp: Timestamp(year: year, month: month, day: day, hour: hour, minute: minute, second: second))
    }

    /// The test plan's path: beside the run folder, named like it.
    public var testPlanPath: String { path + ".ctp" }

    /// Older first; runs of the same second by name.
    public static func < (lhs: RunFolder, rhs: RunFolder) -> Bool {
        lhs.timestamp != rhs.timestamp ? lhs.timestamp < rhs.timestamp : lhs.name < rhs.name
    }

    public var description: String { name }
}
