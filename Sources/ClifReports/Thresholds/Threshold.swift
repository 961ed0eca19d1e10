/// A pass/fail condition on a run's statistics, for CI: `METRIC[{KEY}] OP VALUE[UNIT]`.
///
/// - METRIC: `p50` (or `median`), `p90`, `p95`, `p99`, `p99.9` (or `p999`), `mean` (or `avg`),
///   `min`, `max`, `sd` (or `stddev`), `errors`, `rps` (or `throughput`), `calls`.
/// - `{KEY}`: the row it applies to: an action type (`p99{get home} < 200ms`), or whatever the
///   rows are keyed by (`action type-comment`, an alias); without it, the `GLOBAL LOAD` row.
/// - OP: `<`, `<=`, `>`, `>=`, `==` (or `=`), `!=`.
/// - VALUE and UNIT: durations in `ms` (the default), `s` or `us`; `errors` as a count
///   (`errors < 10`) or in percent of all events (`errors < 1%`); `rps` in calls per second
///   (`rps > 1000`, `/s` allowed); `calls` as a count.
///
/// Spaces are free around each part. An unknown metric, operator, value or unit is refused
/// when the threshold is made (``ThresholdError``); a key the run does not have is a failed
/// threshold when it is evaluated.
public struct Threshold: Sendable, Hashable, Codable, CustomStringConvertible {
    public var metric: ThresholdMetric
    /// The row's key; nil for `GLOBAL LOAD`.
    public var key: String?
    public var comparison: ThresholdComparison
    /// The limit in the metric's unit (ms, %, calls/s or a count).
    public var limit: Double
    /// The expression as written.
    public var expression: String

    public init(metric: ThresholdMetric, key: String? = nil, comparison: ThresholdComparison, limit: Double) {
        self.metric = metric
        self.key = key
        self.comparison = comparison
        self.limit = limit
        expression = metric.description + (key.map { "{\($0)}" } ?? "") + " " + comparison.rawValue + " " + ThresholdMetric.number(limit) + metric.unit.filter { $0 != " " }
    }

    /// Parses `p99{get home} < 200ms`; throws a ``ThresholdError`` that says where and why.
    public init(_ expression: String) throws(ThresholdError) {
        self.expression = expression
        let characters = Array(expression)
        var index = 0
        func fail(_ message: String, at column: Int? = nil) -> ThresholdError {
            ThresholdError(expression: expression, column: (column ?? index) + 1, message: message)
        }
        func skipSpaces() { while index < characters.count, characters[index].isWhitespace { index += 1 } }

        skipSpaces()
        let nameStart = index
        while index < characters.count, characters[index].isLetter || characters[index].isNumber || characters[index] == "." || characters[index] == "_" || characters[index] == "-" {
            index += 1
        }
        let name = String(characters[nameStart..<index])
        guard !name.isEmpty else { throw fail("expected a metric (\(ThresholdMetric.names))") }
        guard var metric = ThresholdMetric(name: name) else {
            if name.lowercased().hasPrefix("p"), Double(name.dropFirst()) != nil {
                throw fail("'\(name)' is not one of the percentiles measured: p50, p90, p95, p99, p99.9", at: nameStart)
            }
            throw fail("unknown metric '\(name)'; metrics: \(ThresholdMetric.names)", at: nameStart)
        }

        skipSpaces()
        var key: String?
        if index < characters.count, characters[index] == "{" {
            let open = index
            index += 1
            let start = index
            while index < characters.count, characters[index] != "}" { index += 1 }
            guard index < characters.count else { throw fail("'{' is not closed by '}'", at: open) }
            let text = String(characters[start..<index]).trimmingSpaces
            guard !text.isEmpty else { throw fail("'{}' names no action type", at: open) }
            key = text
            index += 1
            skipSpaces()
        }

        let operatorStart = index
        while index < characters.count, "<>=!".contains(characters[index]) { index += 1 }
        let symbol = String(characters[operatorStart..<index])
        guard let comparison = symbol == "=" ? .equal : ThresholdComparison(rawValue: symbol) else {
            let found = symbol.isEmpty ? (index < characters.count ? "'\(characters[index])'" : "the end") : "'\(symbol)'"
            throw fail("expected an operator (<, <=, >, >=, ==, !=) after '\(name)\(key.map { "{\($0)}" } ?? "")', found \(found)", at: operatorStart)
        }

        skipSpaces()
        let valueStart = index
        while index < characters.count, characters[index].isNumber || characters[index] == "." || characters[index] == "-" || characters[index] == "+" {
            index += 1
        }
        let number = String(characters[valueStart..<index])
        guard !number.isEmpty else { throw fail("expected a number after '\(symbol)'", at: valueStart) }
        guard var limit = Double(number), limit.isFinite else { throw fail("'\(number)' is not a number", at: valueStart) }
        guard limit >= 0 else { throw fail("the limit \(number) is below 0: no \(metric) can be", at: valueStart) }

        skipSpaces()
        let unitStart = index
        let unit = String(characters[index...]).trimmingSpaces
        switch metric {
        case .percentile, .mean, .min, .max, .standardDeviation:
            switch unit.lowercased() {
            case "", "ms": break
            case "s": limit *= 1000
            case "us", "µs": limit /= 1000
            default: throw fail("\(metric) is a duration: give ms (the default), s or us, not '\(unit)'", at: unitStart)
            }
        case .errorCount, .errorPercent:
            switch unit {
            case "": metric = .errorCount
            case "%":
                metric = .errorPercent
                guard limit <= 100 else { throw fail("\(number)% is above 100 %", at: valueStart) }
            default: throw fail("errors is a count (errors < 10) or a share of events (errors < 1%), not '\(unit)'", at: unitStart)
            }
        case .throughput:
            guard ["", "/s", "rps"].contains(unit.lowercased()) else {
                throw fail("\(metric) is in calls per second: give a number (rps > 1000), not '\(unit)'", at: unitStart)
            }
        case .calls:
            guard unit.isEmpty else { throw fail("calls is a count: give a number, not '\(unit)'", at: unitStart) }
        }
        self.metric = metric
        self.key = key
        self.comparison = comparison
        self.limit = limit
    }

    /// The expression as written.
    public var description: String { expression }

    /// The threshold checked against `statistics`: passed or failed, the value measured, and
    /// a message that says both. A key the statistics have no row for fails.
    public func evaluate(_ statistics: ReportStatistics) -> ThresholdResult {
        let rowName = key ?? ReportStatistics.globalKey
        guard let row = statistics.row(rowName) else {
            let keys = statistics.rows.map(\.key)
            return ThresholdResult(threshold: self, passed: false, measured: nil,
                                   message: "\(expression): no row '\(rowName)' in this run (rows by \(statistics.options.key.rawValue): \(keys.isEmpty ? "none" : keys.joined(separator: ", ")))")
        }
        if metric.isDuration, row.calls == 0 {
            return ThresholdResult(threshold: self, passed: false, measured: nil,
                                   message: "\(expression): no successful call of \(rowName) to measure \(metric) on (\(row.errors) failed)")
        }
        let measured = metric.value(of: row)
        let passed = comparison.holds(measured, limit)
        let shown = QuickStats.format(measured, metric == .calls || metric == .errorCount ? 0 : 3) + metric.unit
        let limitShown = QuickStats.format(limit, limit == limit.rounded() ? 0 : 3) + metric.unit
        let message = passed
            ? "\(expression): \(metric) of \(rowName) is \(shown) (\(comparison.rawValue) \(limitShown))"
            : "\(expression): \(metric) of \(rowName) is \(shown), not \(comparison.rawValue) \(limitShown)"
        return ThresholdResult(threshold: self, passed: passed, measured: measured, message: message)
    }

    /// Parses each expression; throws the first problem.
    public static func parse(_ expressions: [String]) throws(ThresholdError) -> [Threshold] {
        var thresholds: [Threshold] = []
        for expression in expressions { thresholds.append(try Threshold(expression)) }
        return thresholds
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        var text = Substring(self)
        while text.first?.isWhitespace == true { text.removeFirst() }
        while text.last?.isWhitespace == true { text.removeLast() }
        return String(text)
    }
}
