import Histogram

/// A sparse encoding: only the histograms' non-empty buckets go, as `[value, count]` pairs
/// (an interval's snapshot is a few hundred bytes, not the ~70 KB of every bucket), and
/// decoding records them again into histograms of the same precision.
extension ActionStatistics {
    private enum CodingKeys: String, CodingKey {
        case calls, errors, errorsByKind, digits, latency, service, sum, sumOfSquares, minimum, maximum
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let digits = try container.decode(Int8.self, forKey: .digits)
        guard let significant = SignificantDigits(rawValue: digits) else {
            throw DecodingError.dataCorruptedError(forKey: .digits, in: container, debugDescription: "\(digits) significant digits is not 0…5")
        }
        self.init(significantDigits: significant)
        calls = try container.decode(UInt64.self, forKey: .calls)
        errors = try container.decode(UInt64.self, forKey: .errors)
        errorsByKind = try container.decode([String: UInt64].self, forKey: .errorsByKind)
        sum = try container.decode(Double.self, forKey: .sum)
        sumOfSquares = try container.decode(Double.self, forKey: .sumOfSquares)
        minimum = try container.decode(UInt64.self, forKey: .minimum)
        maximum = try container.decode(UInt64.self, forKey: .maximum)
        for (key, keyPath) in [(CodingKeys.latency, \ActionStatistics.latency), (.service, \ActionStatistics.service)] {
            let pairs = try container.decode([UInt64].self, forKey: key)
            guard pairs.count % 2 == 0 else { throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "an odd number of values") }
            for index in stride(from: 0, to: pairs.count, by: 2) {
                _ = self[keyPath: keyPath].record(Swift.min(pairs[index], Self.highestValue), count: pairs[index + 1])
            }
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(calls, forKey: .calls)
        try container.encode(errors, forKey: .errors)
        try container.encode(errorsByKind, forKey: .errorsByKind)
        try container.encode(latency.numberOfSignificantValueDigits.rawValue, forKey: .digits)
        try container.encode(sum, forKey: .sum)
        try container.encode(sumOfSquares, forKey: .sumOfSquares)
        try container.encode(minimum, forKey: .minimum)
        try container.encode(maximum, forKey: .maximum)
        for (key, histogram) in [(CodingKeys.latency, latency), (.service, service)] {
            var pairs: [UInt64] = []
            for bucket in histogram.recordedValues() { pairs += [bucket.value, bucket.count] }
            // The extremes exactly (they fall in the first and last buckets), as the histogram
            // keeps them: p0 and p100 come out the same after decoding.
            if pairs.count >= 2 {
                pairs[0] = histogram.min
                pairs[pairs.count - 2] = pairs.count == 2 ? histogram.min : histogram.maxRecorded
                if pairs.count == 2, histogram.maxRecorded != histogram.min, pairs[1] > 1 {
                    pairs[1] -= 1
                    pairs += [histogram.maxRecorded, 1]
                }
            }
            try container.encode(pairs, forKey: key)
        }
    }
}
