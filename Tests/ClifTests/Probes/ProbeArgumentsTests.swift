import ClifCore
import Testing

extension ProbeTests {
    @Suite("argument")
    struct Arguments {
        @Test func periodInMillisecondsThenDurationInSeconds() throws {
            let arguments = try ProbeArguments(parsing: "1000 60")
            #expect(arguments.periodMilliseconds == 1_000 && arguments.durationSeconds == 60)
            #expect(arguments.period == .seconds(1) && arguments.duration == .seconds(60))
            #expect(arguments.sampleCount == 60)
            #expect(arguments.description == "1000 60")
        }

        @Test(arguments: ["  1000\t\t60 ", "\t1000 60\r\n", "1000\t60"])
        func spacesAndTabsAroundAndBetweenAreIgnored(_ text: String) throws {
            #expect(try ProbeArguments(parsing: text) == ProbeArguments(periodMilliseconds: 1_000, durationSeconds: 60))
        }

        @Test func samplesAreTheWholePeriodsInTheDuration() throws {
            #expect(try ProbeArguments(parsing: "300 1").sampleCount == 3)
            #expect(try ProbeArguments(parsing: "5000 1").sampleCount == 1)
        }

        @Test(arguments: [
            ("", "it is empty"),
            ("1000", "it has 1 fields"),
            ("1000 60 5", "it has 3 fields"),
            ("0 60", "the period 0 is not above 0"),
            ("-1000 60", "the period -1000 is not above 0"),
            ("1000 -5", "the duration -5 is not above 0"),
            ("1000 0", "the duration 0 is not above 0"),
            ("abc 60", "the period \"abc\" is not a whole number"),
            ("1000 1.5", "the duration \"1.5\" is not a whole number"),
            ("1000ms 60s", "the period \"1000ms\" is not a whole number"),
        ])
        func anythingElseSaysWhatIsExpected(_ text: String, _ problem: String) {
            #expect(throws: ProbeError.badArgument(argument: text, problem: problem)) { try ProbeArguments(parsing: text) }
            let message = "\(ProbeError.badArgument(argument: text, problem: problem))"
            #expect(message.contains("expected \"<period ms> <duration s>\", two whole numbers above 0, such as \"1000 60\""))
        }
    }
}
