import ClifCore
import Foundation
import Histogram

/// An HdrHistogram interval log (`.hlog`, format 1.3, as Java's `HistogramLogWriter` writes it
/// and `HistogramLogProcessor`, HdrHistogram's plotter and the other implementations read it):
/// one line per interval and histogram, its start and length in seconds, its maximum, and the
/// histogram compressed and base64-encoded.
///
/// Untagged lines hold every action type's latency together (what a reader without a tag
/// selects), `Tag=<type>` lines one action type's, and `Tag=service` / `Tag=<type>.service`
/// the service times. Values are microseconds; `Interval_Max` is in milliseconds, so a
/// reader's output unit ratio is 1000 (`HistogramLogProcessor -outputValueUnitRatio 1000`).
public enum HistogramLog {
    /// - Parameters:
    ///   - intervals: consecutive intervals, the first starting at `start`.
    ///   - intervalLength: each interval's length, in seconds.
    public static func text(of intervals: [IntervalStatistics], start: Date, intervalLength: Double) -> String {
        let epoch = start.timeIntervalSince1970
        var text = """
            #[Histogram log format version 1.3]
            #[StartTime: \(decimal(epoch)) (seconds since epoch), \(start.ISO8601Format())]
            #[BaseTime: \(decimal(epoch)) (seconds since epoch)]
            #[Values in microseconds; Interval_Max in milliseconds. Untagged: all action types' latency from the intended start; Tag=<type>: one type's; .service: service time]
            "StartTimestamp","Interval_Length","Interval_Max","Interval_Compressed_Histogram"

            """
        for (position, interval) in intervals.enumerated() {
            let offset = Double(position) * intervalLength
            let total = interval.total
            line(nil, total.latency, offset, intervalLength, into: &text)
            let types = interval.actions.filter { $0.value.calls > 0 }.sorted { $0.key < $1.key }
            for (type, statistics) in types { line(tag(type), statistics.latency, offset, intervalLength, into: &text) }
            if total.calls > 0 { line("service", total.service, offset, intervalLength, into: &text) }
            for (type, statistics) in types { line(tag(type) + ".service", statistics.service, offset, intervalLength, into: &text) }
        }
        return text
    }

    /// One interval line of a log.
    public struct Entry: Sendable {
        public var tag: String?
        /// Seconds, as the line gives them (relative to the log's base time when it has one).
        public var start: Double
        public var length: Double
        public var histogram: Histogram<UInt64>
    }

    /// The interval lines of a log (ours or another tool's); comments and the legend skipped.
    public static func entries(in text: String, file: String = "<log>") throws(HistogramLogError) -> [Entry] {
        var entries: [Entry] = []
        for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = Substring(raw.hasSuffix("\r") ? raw.dropLast() : raw)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix("\"") { continue }
            var tag: String?
            if line.hasPrefix("Tag=") {
                guard let comma = line.firstIndex(of: ",") else { throw HistogramLogError(file, number + 1, "a tag and nothing after it") }
                tag = String(line[line.index(line.startIndex, offsetBy: 4)..<comma])
                line = line[line.index(after: comma)...]
            }
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            guard fields.count == 4, let start = Double(fields[0]), let length = Double(fields[1]) else {
                throw HistogramLogError(file, number + 1, "expected start,length,max,histogram")
            }
            guard let data = Data(base64Encoded: String(fields[3])) else { throw HistogramLogError(file, number + 1, "the histogram is not base64") }
            do {
                entries.append(Entry(tag: tag, start: start, length: length, histogram: try HistogramEncoding.decode(compressed: [UInt8](data))))
            } catch {
                throw HistogramLogError(file, number + 1, error.description)
            }
        }
        return entries
    }

    private static func line(_ tag: String?, _ histogram: Histogram<UInt64>, _ offset: Double, _ length: Double, into text: inout String) {
        if let tag { text += "Tag=\(tag)," }
        let maximum = histogram.totalCount == 0 ? 0 : Double(histogram.max) / 1000
        text += "\(decimal(offset)),\(decimal(length)),\(decimal(maximum)),"
        text += Data(HistogramEncoding.compressed(histogram)).base64EncodedString()
        text += "\n"
    }

    /// A tag cannot hold the line's separators: commas and white space become `_`.
    static func tag(_ type: String) -> String {
        String(type.map { $0 == "," || $0.isWhitespace ? "_" : $0 })
    }

    private static func decimal(_ value: Double) -> String {
        let thousandths = (value * 1000).rounded()
        let sign = thousandths < 0 ? "-" : ""
        let magnitude = Int64(abs(thousandths))
        let fraction = String(magnitude % 1000)
        return "\(sign)\(magnitude / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)"
    }
}
