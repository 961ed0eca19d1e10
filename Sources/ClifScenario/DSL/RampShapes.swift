import ClifCore
import FractalXML

/// A DSL element that stands for consecutive ramps of a ``Group`` (``Line``, ``Arc``,
/// ``CrenelHV``, ``CrenelVH``): given points p0, p1, p2…, the ramps p0→p1, p1→p2…, as ISAC
/// reads a `<ramp>` with more than two points. x is seconds since the start, y active sessions.
public protocol RampShape {
    /// The ramps in the scenario model.
    var ramps: [Ramp] { get }
}

extension RampShape {
    static func segments(_ style: Ramp.Style, _ points: [(x: Double, y: Double)], _ location: SourceLocation) -> [Ramp] {
        zip(points, points.dropFirst()).map { start, end in
            Ramp(style, from: Ramp.Point(x: start.x, y: start.y), to: Ramp.Point(x: end.x, y: end.y), location: location)
        }
    }
}

/// `<ramp style="line">`: straight lines from point to point.
public struct Line: RampShape {
    /// The model's ramps, one per pair of consecutive points.
    public let ramps: [Ramp]

    /// Ramps through `first`, `second` and any `more` points, each `(x seconds, y sessions)`.
    public init(_ first: (x: Double, y: Double), _ second: (x: Double, y: Double), _ more: (x: Double, y: Double)...,
                file: String = #filePath, line: Int = #line, column: Int = #column) {
        ramps = Self.segments(.line, [first, second] + more, .call(file, line, column))
    }
}

/// `<ramp style="arc">`: a quarter of a sine wave between points, slow at both ends.
public struct Arc: RampShape {
    /// The model's ramps, one per pair of consecutive points.
    public let ramps: [Ramp]

    /// Ramps through `first`, `second` and any `more` points, each `(x seconds, y sessions)`.
    public init(_ first: (x: Double, y: Double), _ second: (x: Double, y: Double), _ more: (x: Double, y: Double)...,
                file: String = #filePath, line: Int = #line, column: Int = #column) {
        ramps = Self.segments(.arc, [first, second] + more, .call(file, line, column))
    }
}

/// `<ramp style="crenel_hv">`: holds a point's y, then jumps to the next one's at its x.
public struct CrenelHV: RampShape {
    /// The model's ramps, one per pair of consecutive points.
    public let ramps: [Ramp]

    /// Ramps through `first`, `second` and any `more` points, each `(x seconds, y sessions)`.
    public init(_ first: (x: Double, y: Double), _ second: (x: Double, y: Double), _ more: (x: Double, y: Double)...,
                file: String = #filePath, line: Int = #line, column: Int = #column) {
        ramps = Self.segments(.crenelHV, [first, second] + more, .call(file, line, column))
    }
}

/// `<ramp style="crenel_vh">`: jumps to the next point's y at once, then holds it.
public struct CrenelVH: RampShape {
    /// The model's ramps, one per pair of consecutive points.
    public let ramps: [Ramp]

    /// Ramps through `first`, `second` and any `more` points, each `(x seconds, y sessions)`.
    public init(_ first: (x: Double, y: Double), _ second: (x: Double, y: Double), _ more: (x: Double, y: Double)...,
                file: String = #filePath, line: Int = #line, column: Int = #column) {
        ramps = Self.segments(.crenelVH, [first, second] + more, .call(file, line, column))
    }
}
