/// The Jenkins CLIF plug-in's data cleanup: values far from the mean are dropped, a few at a
/// time, while enough remain.
///
/// On the sorted values, repeatedly: take the side (lowest or highest values) that lies
/// further outside `[⌈mean − factor·sd⌉, ⌊mean + factor·sd⌋]`, drop all the values equal to
/// that extreme, and compute the mean and the sample standard deviation again; stop when both
/// extremes are inside, or when dropping more would leave fewer than `keepPercent` % of the
/// values or fewer than 30. Fewer than 3 values, or no more than the minimum kept, are left
/// as they are.
public struct OutlierCleanup: Sendable, Hashable, Codable {
    /// How many standard deviations around the mean are kept (above 0).
    public var factor: Double
    /// The share of values always kept, in percent (0 ≤ keepPercent < 100).
    public var keepPercent: Double

    /// The fewest values cleanup ever leaves, whatever the percentage.
    public static let minimumKept = 30

    public init(factor: Double = 2, keepPercent: Double = 95) {
        self.factor = factor
        self.keepPercent = keepPercent
    }

    /// A problem with the settings, said for a person, or nil when they are usable.
    public var problem: String? {
        if !(factor > 0) || !factor.isFinite { return "the outlier factor must be above 0 (got \(factor))" }
        if !(keepPercent >= 0 && keepPercent < 100) { return "the share of values kept must be at least 0 and below 100 % (got \(keepPercent))" }
        return nil
    }

    /// The range of `sorted` (ascending) that is kept.
    public func kept(_ sorted: [Int64]) -> Range<Int> {
        let n = sorted.count
        guard n >= 3 else { return 0..<n }
        let minimum = max(Int((keepPercent * Double(n) / 100).rounded(.up)), Self.minimumKept)
        var low = 0, high = n - 1, count = n
        var sum = 0.0, squares = 0.0
        for value in sorted {
            let value = Double(value)
            sum += value
            squares += value * value
        }
        var mean = sum / Double(n)
        var deviation = Self.deviation(sum: sum, squares: squares, count: n)
        while count > minimum {
            let minValue = sorted[low], maxValue = sorted[high]
            let belowBy = (mean - factor * deviation).rounded(.up) - Double(minValue)
            let aboveBy = Double(maxValue) - (mean + factor * deviation).rounded(.down)
            var removed = 0
            if belowBy > aboveBy {
                guard belowBy > 0 else { break }
                while low + removed <= high && sorted[low + removed] == minValue { removed += 1 }
                removed = min(removed, count - minimum)
                low += removed
                sum -= Double(removed) * Double(minValue)
                squares -= Double(removed) * Double(minValue) * Double(minValue)
            } else {
                guard aboveBy > 0 else { break }
                while high - removed >= low && sorted[high - removed] == maxValue { removed += 1 }
                removed = min(removed, count - minimum)
                high -= removed
                sum -= Double(removed) * Double(maxValue)
                squares -= Double(removed) * Double(maxValue) * Double(maxValue)
            }
            count -= removed
            mean = sum / Double(count)
            deviation = Self.deviation(sum: sum, squares: squares, count: count)
        }
        return low..<(high + 1)
    }

    private static func deviation(sum: Double, squares: Double, count: Int) -> Double {
        guard count > 1 else { return 0 }
        return (max(0, squares - sum * sum / Double(count)) / Double(count - 1)).squareRoot()
    }
}
