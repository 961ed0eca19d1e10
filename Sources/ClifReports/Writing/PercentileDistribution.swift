import ClifCore
import Histogram

/// HdrHistogram's percentile distribution (`.hgrm`, the text HdrHistogram's plotter reads) of
/// a run's latencies per action type, from the intervals its live view merged: the histograms
/// of every blade and second added.
public enum PercentileDistribution {
    /// One section per action type, then `ALL`, values in milliseconds.
    public static func text(of intervals: [IntervalStatistics]) -> String {
        var merged = IntervalStatistics(second: 0)
        for interval in intervals { merged.add(interval) }
        var text = ""
        for (type, statistics) in merged.actions.sorted(by: { $0.key < $1.key }) + [("ALL", merged.total)] where statistics.calls > 0 {
            text += "# \(type): latency of \(statistics.calls) successful calls, in ms\n"
            statistics.latency.outputPercentileDistribution(to: &text, outputValueUnitScalingRatio: 1000)
            text += "\n"
        }
        return text
    }
}
