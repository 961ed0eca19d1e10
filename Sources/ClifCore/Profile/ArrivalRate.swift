/// An open model: sessions (or single iterations) arrive at a rate that changes over time,
/// whatever the system under test does.
public struct ArrivalRate: Sendable, Hashable {
    /// (t seconds, arrivals per second) points, linear in between; the rate is 0 after the last.
    public var points: [(t: Double, rate: Double)]

    public static func == (lhs: ArrivalRate, rhs: ArrivalRate) -> Bool {
        lhs.points.elementsEqual(rhs.points) { $0.t == $1.t && $0.rate == $1.rate }
    }

    public func hash(into hasher: inout Hasher) {
        for point in points { hasher.combine(point.t); hasher.combine(point.rate) }
    }

    /// A constant `rate` for `duration` seconds.
    public static func constant(_ rate: Double, for duration: Double) -> ArrivalRate {
        ArrivalRate(points: [(0, rate), (duration, rate)])
    }

    public init(points: [(t: Double, rate: Double)]) {
        self.points = points.sorted { $0.t < $1.t }
    }

    public var duration: Double { points.last?.t ?? 0 }

    public func rate(at t: Double) -> Double {
        guard let first = points.first, t >= first.t, t <= duration else { return 0 }
        for (a, b) in zip(points, points.dropFirst()) where t >= a.t && t <= b.t {
            guard b.t > a.t else { return b.rate }
            return a.rate + (b.rate - a.rate) * (t - a.t) / (b.t - a.t)
        }
        return points.last!.rate
    }

    /// Arrivals expected in [0, t]: the integral of the rate.
    public func arrivals(by t: Double) -> Double {
        var total = 0.0
        for (a, b) in zip(points, points.dropFirst()) {
            guard t > a.t else { break }
            let end = min(t, b.t)
            total += (rate(at: a.t) + rate(at: end)) / 2 * (end - a.t)
        }
        return total
    }

    /// When arrival `n` (0-based) is due, in seconds: the time where ``arrivals(by:)`` reaches n,
    /// so arrivals are evenly spaced at a constant rate (as wrk2 spaces requests). Nil when the
    /// profile ends first.
    public func time(ofArrival n: Int) -> Double? {
        let target = Double(n)
        var before = 0.0
        for (a, b) in zip(points, points.dropFirst()) {
            let r0 = rate(at: a.t), r1 = b.rate
            let segment = (r0 + r1) / 2 * (b.t - a.t)
            if before + segment > target || (before + segment == target && target == 0 && segment > 0) {
                let need = target - before
                let span = b.t - a.t
                let slope = span > 0 ? (r1 - r0) / span : 0
                // need = r0·x + slope·x²/2
                if abs(slope) < 1e-12 { return r0 > 0 ? a.t + need / r0 : nil }
                let discriminant = r0 * r0 + 2 * slope * need
                let x = (-r0 + max(0, discriminant).squareRoot()) / slope
                return a.t + min(max(x, 0), span)
            }
            before += segment
        }
        return nil
    }
}
