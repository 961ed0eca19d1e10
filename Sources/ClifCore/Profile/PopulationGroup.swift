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
        guard t >= 0, t < duration, let ramp = ramp(at: t) else { return 0 }
        let value = (ramp.value(at: t) + Self.tolerance).rounded(.down)
        // The compiler refuses curves outside these bounds; a curve built by hand is clamped.
        guard value.isFinite else { return 0 }
        return Int(min(max(value, 0), 10_000_000))
    }

    /// Values within a millionth of a whole number count as that number, so that a crossing
    /// time computed in floating point gives the population it was computed for.
    static let tolerance = 1e-6

    private func ramp(at t: Double) -> Ramp? {
        ramps.last { $0.start.x <= t }
    }

    /// The first time after `t` when ``population(at:)`` changes, or nil when it no longer does:
    /// the next whole-number crossing of the current segment, or a segment's start or end.
    public func nextChange(after t: Double) -> Double? {
        guard t < duration else { return nil }
        let current = population(at: t)
        var candidates: [Double] = [duration]
        for ramp in ramps {
            if ramp.start.x > t { candidates.append(ramp.start.x) }
            if ramp.end.x > t { candidates.append(ramp.end.x) }
            guard ramp.end.x > t, ramp.end.x > ramp.start.x, ramp.start.y != ramp.end.y,
                  ramp.style == .line || ramp.style == .arc else { continue }
            // The crossing of the next whole number on the way to the end value.
            let from = max(t, ramp.start.x)
            let level = (ramp.value(at: from) + Self.tolerance).rounded(.down)
            let target = ramp.end.y > ramp.start.y ? level + 1 - Self.tolerance / 2 : level - 2 * Self.tolerance
            if let crossing = ramp.time(reaching: target), crossing > t { candidates.append(crossing) }
        }
        for candidate in candidates.sorted() where candidate > t {
            if population(at: candidate) != current || candidate >= duration { return candidate }
        }
        return nil
    }
}

extension Ramp {
    /// When the segment's value reaches `y` (line or arc), if it does inside the segment.
    func time(reaching y: Double) -> Double? {
        let span = end.x - start.x
        let rise = end.y - start.y
        guard span > 0, rise != 0 else { return nil }
        let fraction = (y - start.y) / rise
        guard fraction >= 0, fraction <= 1 else { return nil }
        switch style {
        case .line: return start.x + fraction * span
        case .arc: return start.x + acos(1 - 2 * fraction) / .pi * span
        case .crenelHV, .crenelVH: return nil
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
