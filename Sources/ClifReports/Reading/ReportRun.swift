import ClifCore

/// One run of a report directory, read: its test plan, its blades, and the lines that were
/// skipped.
public struct ReportRun: Sendable {
    public var folder: RunFolder
    /// The `.ctp` beside the run folder, when it is there.
    public var testPlan: TestPlan?
    /// By id.
    public var blades: [BladeReport]
    /// Skipped lines and unusable files, in reading order (at most 100 a file are kept; the
    /// rest are counted in `skippedLines` and summed up in one more warning).
    public var warnings: [ReportWarning]
    /// Malformed lines skipped, all files together.
    public var skippedLines: Int

    public init(folder: RunFolder, testPlan: TestPlan?, blades: [BladeReport], warnings: [ReportWarning], skippedLines: Int) {
        self.folder = folder
        self.testPlan = testPlan
        self.blades = blades
        self.warnings = warnings
        self.skippedLines = skippedLines
    }

    /// The blades that wrote action events (injectors).
    public var injectors: [BladeReport] { blades.filter { $0.hasActions } }

    /// The blades that are probes.
    public var probes: [BladeReport] { blades.filter { $0.isProbe } }

    /// The blade named `id`.
    public func blade(_ id: String) -> BladeReport? { blades.first { $0.id == id } }
}
