/// A probe blade's argument (`blade.N.argument` in a test plan): `<period ms> <duration s>`,
/// such as `"1000 60"`: sample every second for a minute.
///
/// Spaces, tabs and line ends around and between the two numbers are ignored; anything else (a missing
/// or third field, a number that is not whole, zero or negative) is a ``ProbeError/badArgument(argument:problem:)``
/// that says what was expected.
public struct ProbeArguments: Sendable, Hashable, CustomStringConvertible {
    /// Time between two samples, in milliseconds (above 0).
    public var periodMilliseconds: Int
    /// How long the probe samples, in seconds (above 0).
    public var durationSeconds: Int

    public init(periodMilliseconds: Int, durationSeconds: Int) {
        self.periodMilliseconds = periodMilliseconds
        self.durationSeconds = durationSeconds
    }

    public init(parsing argument: String) throws(ProbeError) {
        let fields = argument.split(whereSeparator: \.isWhitespace)
        guard fields.count == 2 else {
            throw .badArgument(argument: argument, problem: fields.isEmpty ? "it is empty" : "it has \(fields.count) fields")
        }
        periodMilliseconds = try Self.positive(fields[0], "the period", argument)
        durationSeconds = try Self.positive(fields[1], "the duration", argument)
    }

    private static func positive(_ field: Substring, _ what: String, _ argument: String) throws(ProbeError) -> Int {
        guard let value = Int(field) else {
            throw .badArgument(argument: argument, problem: "\(what) \"\(field)\" is not a whole number")
        }
        guard value > 0 else {
            throw .badArgument(argument: argument, problem: "\(what) \(value) is not above 0")
        }
        return value
    }

    public var period: Duration { .milliseconds(periodMilliseconds) }
    public var duration: Duration { .seconds(durationSeconds) }

    /// How many samples a probe takes over its duration after its baseline reading: one each
    /// period that ends within the duration (at least 1).
    public var sampleCount: Int {
        let (milliseconds, overflow) = durationSeconds.multipliedReportingOverflow(by: 1_000)
        return max(1, (overflow ? Int.max : milliseconds) / periodMilliseconds)
    }

    /// The argument as a test plan writes it: `"1000 60"`.
    public var description: String { "\(periodMilliseconds) \(durationSeconds)" }
}
