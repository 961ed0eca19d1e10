import ClifCore
import FractalXML

/// ISAC's `<loadprofile>`: a ``Group`` per behaviour, saying how many of its sessions run over
/// time. (Not named `LoadProfile`, which is ClifCore's choice between this closed model and
/// an open one.)
public struct Population {
    /// The model's groups, in the order written.
    public let groups: [PopulationGroup]

    /// The groups, one per behaviour.
    public init(@GroupBuilder _ groups: () -> [PopulationGroup]) {
        self.groups = groups()
    }
}

/// ISAC's `<group behavior="…" forceStop="…">`: the population curve of one behaviour, drawn by
/// ramps end to end.
///
/// ```swift
/// Group("B0", forceStop: true) {
///     Line((0, 0), (30, 20))      // 0 to 20 sessions in 30 s
///     Line((30, 20), (90, 20))    // 20 sessions for a minute
/// }
/// ```
public struct Group {
    /// The model's group.
    public let group: PopulationGroup

    /// - Parameters:
    ///   - behavior: the id of the behaviour its sessions run.
    ///   - forceStop: at the end of the curve, sessions still running are stopped (true) or
    ///     finish their behaviour (false).
    ///   - file: with `line` and `column`, where it is written, for diagnostics (leave the defaults).
    ///   - ramps: the curve, ramps end to end.
    public init(_ behavior: String, forceStop: Bool = true, file: String = #filePath, line: Int = #line, column: Int = #column,
                @RampBuilder _ ramps: () -> [Ramp]) {
        group = PopulationGroup(behavior: behavior, ramps: ramps(), forceStop: forceStop, location: .call(file, line, column))
    }
}
