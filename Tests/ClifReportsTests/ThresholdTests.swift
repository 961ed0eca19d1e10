import ClifReports
import Testing

@Suite("Thresholds")
struct ThresholdTests {
    @Test(arguments: [
        ("p99 < 200ms", ThresholdMetric.percentile(99), nil as String?, ThresholdComparison.less, 200.0),
        ("errors < 1%", .errorPercent, nil, .less, 1),
        ("errors <= 3", .errorCount, nil, .lessOrEqual, 3),
        ("rps > 1000", .throughput, nil, .greater, 1000),
        ("mean<=150", .mean, nil, .lessOrEqual, 150),
        ("p99{get home} < 200ms", .percentile(99), "get home", .less, 200),
        ("  p99.9 { login }>=0.5s ", .percentile(99.9), "login", .greaterOrEqual, 500),
        ("p999 < 900", .percentile(99.9), nil, .less, 900),
        ("median == 150", .percentile(50), nil, .equal, 150),
        ("p50 = 150", .percentile(50), nil, .equal, 150),
        ("max != 0", .max, nil, .notEqual, 0),
        ("min > 200us", .min, nil, .greater, 0.2),
        ("sd < 200", .standardDeviation, nil, .less, 200),
        ("throughput >= 1.5/s", .throughput, nil, .greaterOrEqual, 1.5),
        ("calls >= 8", .calls, nil, .greaterOrEqual, 8),
        ("p95{GLOBAL LOAD} < 1s", .percentile(95), "GLOBAL LOAD", .less, 1000),
    ])
    func goodThresholdsParse(expression: String, metric: ThresholdMetric, key: String?, comparison: ThresholdComparison, limit: Double) throws {
        let threshold = try Threshold(expression)
        #expect(threshold.metric == metric)
        #expect(threshold.key == key)
        #expect(threshold.comparison == comparison)
        #expect(abs(threshold.limit - limit) < 1e-12)
        #expect(threshold.expression == expression)
    }

    @Test(arguments: [
        ("p99x < 200ms", 1, "unknown metric 'p99x'"),
        ("latency < 200ms", 1, "unknown metric 'latency'"),
        ("p97 < 200ms", 1, "'p97' is not one of the percentiles measured"),
        ("< 200", 1, "expected a metric"),
        ("p99 => 200", 5, "expected an operator"),
        ("p99 200", 5, "expected an operator"),
        ("p99 <> 200", 5, "expected an operator"),
        ("p99 <", 6, "expected a number"),
        ("p99 < fast", 7, "expected a number"),
        ("p99 < 1.2.3", 7, "'1.2.3' is not a number"),
        ("p99 < -5", 7, "below 0"),
        ("p99 < 200%", 10, "p99 is a duration"),
        ("p99 < 200 minutes", 11, "p99 is a duration"),
        ("errors < 1ms", 11, "errors is a count"),
        ("errors < 150%", 10, "above 100 %"),
        ("rps > 10ms", 9, "calls per second"),
        ("calls > 10%", 11, "calls is a count"),
        ("p99{get home < 200", 4, "'{' is not closed"),
        ("p99{ } < 200", 4, "names no action type"),
    ])
    func badThresholdsAreRefusedSayingWhere(expression: String, column: Int, message: String) {
        let error = #expect(throws: ThresholdError.self) { try Threshold(expression) }
        #expect(error?.column == column, "\(error?.description ?? "")")
        #expect(error?.message.contains(message) == true, "\(error?.description ?? "")")
        #expect(error?.description.hasPrefix("threshold '\(expression)', column \(column): ") == true)
    }

    @Test func evaluationGivesPassedOrFailedTheMeasuredValueAndAMessage() throws {
        let statistics = ReportStatistics(run: try Fixtures.latest())
        let results = ThresholdResult.evaluate(try Threshold.parse([
            "p99 < 600ms",                // 500 ms: passes
            "p99{get home} < 200ms",      // 500 ms: fails
            "errors < 1%",                // 2 of 10 events = 20 %: fails
            "errors <= 2",                // 2: passes
            "rps >= 2",                   // 8 calls / 4 s = 2: passes
            "mean{login} == 60",          // passes
            "calls{login} > 3",           // 3: fails
        ]), on: statistics)
        #expect(results.map(\.passed) == [true, false, false, true, true, true, false])
        #expect(results.map(\.measured) == [500, 500, 20, 2, 2, 60, 3])
        #expect(results[0].message == "p99 < 600ms: p99 of GLOBAL LOAD is 500.000 ms (< 600 ms)")
        #expect(results[1].message == "p99{get home} < 200ms: p99 of get home is 500.000 ms, not < 200 ms")
        #expect(results[2].message == "errors < 1%: errors of GLOBAL LOAD is 20.000 %, not < 1 %")
    }

    @Test func anUnknownActionTypeIsAFailedThresholdThatSaysWhichRowsThereAre() throws {
        let statistics = ReportStatistics(run: try Fixtures.latest())
        let result = try Threshold("p99{checkout} < 200ms").evaluate(statistics)
        #expect(!result.passed)
        #expect(result.measured == nil)
        #expect(result.message == "p99{checkout} < 200ms: no row 'checkout' in this run (rows by action type: get home, login)")
    }

    @Test func aLatencyThresholdOnARowWithoutSuccessfulCallsFails() throws {
        let statistics = ReportStatistics(run: try Fixtures.latest(), options: StatisticsOptions(from: 2000, to: 2000))
        // Only the failed get home at 2000 ms.
        let result = try Threshold("p99{get home} < 10s").evaluate(statistics)
        #expect(!result.passed)
        #expect(result.message.contains("no successful call of get home"))
        #expect(try Threshold("errors{get home} == 100%").evaluate(statistics).passed)
    }
}
