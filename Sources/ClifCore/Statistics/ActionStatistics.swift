import Histogram

/// What a run measured of one action type: counts, errors by kind, and HDR histograms (in
/// microseconds) of the latency from the intended start and of the service time.
///
/// Merged across injectors and intervals by adding counts and histograms, never by averaging
/// percentiles.
public struct ActionStatistics: Sendable, Codable {
    /// Successful calls.
    public internal(set) var calls: UInt64 = 0
    public internal(set) var errors: UInt64 = 0
    public internal(set) var errorsByKind: [String: UInt64] = [:]
    /// Latency of successful calls from their intended start (the service time in a closed
    /// model), in microseconds.
    public internal(set) var latency: Histogram<UInt64>
    /// Service time of successful calls (from the actual send), in microseconds.
    public internal(set) var service: Histogram<UInt64>
    /// Exact sums of the latencies of successful calls, in microseconds, for mean and std dev.
    public internal(set) var sum: Double = 0
    public internal(set) var sumOfSquares: Double = 0
    public internal(set) var minimum: UInt64 = .max
    public internal(set) var maximum: UInt64 = 0

    /// An hour, in microseconds: longer latencies are recorded as an hour.
    public static let highestValue: UInt64 = 3_600_000_000

    public init(significantDigits: SignificantDigits = .three) {
        latency = Histogram(highestTrackableValue: Self.highestValue, numberOfSignificantValueDigits: significantDigits)
        service = Histogram(highestTrackableValue: Self.highestValue, numberOfSignificantValueDigits: significantDigits)
    }

    @inline(__always)
    public mutating func recordSuccess(latency latencyMicros: UInt64, service serviceMicros: UInt64) {
        let value = min(latencyMicros, Self.highestValue)
        calls += 1
        _ = latency.record(value)
        _ = service.record(min(serviceMicros, Self.highestValue))
        let double = Double(value)
        sum += double
        sumOfSquares += double * double
        if value < minimum { minimum = value }
        if value > maximum { maximum = value }
    }

    public mutating func recordError(_ kind: String) {
        errors += 1
        errorsByKind[kind, default: 0] += 1
    }

    public mutating func add(_ other: ActionStatistics) {
        calls += other.calls
        errors += other.errors
        for (kind, count) in other.errorsByKind { errorsByKind[kind, default: 0] += count }
        latency.add(other.latency)
        service.add(other.service)
        sum += other.sum
        sumOfSquares += other.sumOfSquares
        minimum = Swift.min(minimum, other.minimum)
        maximum = Swift.max(maximum, other.maximum)
    }

    /// Mean latency of successful calls, microseconds.
    public var mean: Double { calls == 0 ? 0 : sum / Double(calls) }

    /// Sample standard deviation (n − 1) of the latency, microseconds, as CLIF's tools compute it.
    public var standardDeviation: Double {
        guard calls > 1 else { return 0 }
        let n = Double(calls)
        return (max(0, (sumOfSquares - sum * sum / n) / (n - 1))).squareRoot()
    }

    public func latencyPercentile(_ p: Double) -> UInt64 { calls == 0 ? 0 : latency.valueAtPercentile(p) }
    public func servicePercentile(_ p: Double) -> UInt64 { calls == 0 ? 0 : service.valueAtPercentile(p) }
}
