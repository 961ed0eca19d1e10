import ClifCore
import ClifReports
import Foundation

/// The HdrHistogram files beside a run folder: the interval log (`.hlog`) and the percentile
/// distribution (`.hgrm`).
enum HistogramFiles {
    static func write(beside runFolder: String, _ intervals: [IntervalStatistics], start: Date, intervalLength: Double) {
        let files = [
            ("histogram log", runFolder + ".hlog", HistogramLog.text(of: intervals, start: start, intervalLength: intervalLength)),
            ("percentile distribution", runFolder + ".hgrm", PercentileDistribution.text(of: intervals)),
        ]
        for (what, path, text) in files {
            if FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) {
                print("\(what): \(path)")
            } else {
                printError("clif: could not write the \(what) \(path)")
            }
        }
    }
}
