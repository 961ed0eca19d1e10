import FractalXML

/// ISAC's `<group behavior="B0" forceStop="true">`: how many sessions of one behaviour are
/// active over time (a closed model).
public struct PopulationGroup: Sendable {
    public var behavior: String
    public var ramps: [Ramp]
    /// At the end of the curve, sessions still running are stopped (true) or finish their
    /// behaviour (false).
    public var forceStop: Bool
    public var location: SourceLocation?

    public init(behavior: String, ramps: [Ramp], forceStop: Bool = true, location: SourceLocation? = nil) {
        self.behavior = behavior
        self.ramps = ramps
        self.forceStop = forceStop
        self.location = location
    }

    /// The curve the ramps draw.
    public var curve: PopulationCurve { PopulationCurve(ramps) }
}

/// A segment of a population curve between two points (x in seconds since the start,
/// y in active sessions).
public struct Ramp: Sendable, Hashable {
    public enum Style: String, Sendable, Hashable, CaseIterable {
        /// From y1 to y2 in a straight line.
        case line
        /// Holds y1, then jumps to y2 at x2 (horizontal then vertical).
        case crenelHV = "crenel_hv"
        /// Jumps to y2 at x1, then holds it (vertical then horizontal).
        case crenelVH = "crenel_vh"
        /// A quarter of a sine wave from y1 to y2: slow to start, fast in the middle, slow to end.
        case arc
    }

    public var style: Style
    public var start: Point
    public var end: Point
    public var location: SourceLocation?

    public struct Point: Sendable, Hashable {
        public var x: Double
        public var y: Double
        public init(x: Double, y: Double) { self.x = x; self.y = y }
    }

    public init(_ style: Style, from start: Point, to end: Point, location: SourceLocation? = nil) {
        self.style = style
        self.start = start
        self.end = end
        self.location = location
    }

    public static func == (lhs: Ramp, rhs: Ramp) -> Bool {
        lhs.style == rhs.style && lhs.start == rhs.start && lhs.end == rhs.end
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(style)
        hasher.combine(start)
        hasher.combine(end)
    }

    /// The value at `x` (inside the segment), before rounding to whole sessions.
    func value(at x: Double) -> Double {
        let span = end.x - start.x
        guard span > 0 else { return end.y }
        let f = min(max((x - start.x) / span, 0), 1)
        switch style {
        case .line: return start.y + (end.y - start.y) * f
        case .crenelHV: return x < end.x ? start.y : end.y
        case .crenelVH: return end.y
        case .arc: return start.y + (end.y - start.y) * (1 - cos(f * .pi)) / 2
        }
    }
}

/// A population over time: the ramps of a group, end to end.
public struct PopulationCurve: Sendable, Hashable {
    public var ramps: [Ramp]

    public init(_ ramps: [Ramp]) { self.ramps = ramps }

    /// When the curve ends, in seconds.
    public var duration: Double { ramps.map(\.end.x).max() ?? 0 }

    /// Active sessions wanted at `t` seconds: the curve's value, rounded down; 0 after the end.
    public func population(at t: Double) -> Int {
        guard t >= 0, let ramp = ramps.last(where: { $0.start.x <= t }) ?? ramps.first else { return 0 }
        if t >= duration { return 0 }
        if t < ramp.start.x { return 0 }
        return max(0, Int((ramp.value(at: min(t, ramp.end.x)) + 1e-9).rounded(.down)))
    }

    /// The first time after `t` when ``population(at:)`` changes, or nil when it no longer does.
    /// Found by bisection inside the segment, to a microsecond.
    public func nextChange(after t: Double) -> Double? {
        let current = population(at: t)
        guard t < duration else { return nil }
        // Candidate boundaries: segment ends, where crenels jump, and the end of the curve.
        var boundaries = ramps.flatMap { [$0.start.x, $0.end.x] }.filter { $0 > t }
        boundaries.append(duration)
        var low = t
        for boundary in boundaries.sorted() {
            let probe = boundary
            // A change strictly before this boundary, inside a continuous piece?
            if population(at: probe - 1e-7) != current || population(at: probe) != current {
                var high = population(at: probe - 1e-7) != current ? probe - 1e-7 : probe
                var lowEdge = low
                while high - lowEdge > 1e-6 {
                    let middle = (lowEdge + high) / 2
                    if population(at: middle) != current { high = middle } else { lowEdge = middle }
                }
                return high
            }
            low = probe
        }
        return nil
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
