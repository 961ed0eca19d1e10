/// Percentiles of sorted values, estimated as the Jenkins CLIF plug-in does (Apache Commons
/// Math's `Percentile`): position `p·(n + 1)/100`, linear interpolation between the two values
/// around it, the minimum below the first and the maximum past the last. The median is the
/// 50th percentile: the middle value, or the mean of the two middle ones.
public enum Percentile {
    /// The `p`th percentile (0 < p ≤ 100) of `sorted` (ascending); 0 when it is empty.
    public static func of<Value: BinaryInteger>(_ p: Double, sorted: some RandomAccessCollection<Value>) -> Double {
        let n = sorted.count
        guard n > 0 else { return 0 }
        let first = sorted.startIndex
        if n == 1 { return Double(sorted[first]) }
        let position = p * Double(n + 1) / 100
        if position < 1 { return Double(sorted[first]) }
        if position >= Double(n) { return Double(sorted[sorted.index(first, offsetBy: n - 1)]) }
        let whole = Int(position.rounded(.down))
        let lower = Double(sorted[sorted.index(first, offsetBy: whole - 1)])
        let upper = Double(sorted[sorted.index(first, offsetBy: whole)])
        return lower + (position - Double(whole)) * (upper - lower)
    }
}
