import ClifCore
import Foundation
import FractalXML

/// Reads CLIF report directories: `DIR/<test>_<yyyy-MM-dd>_<HH>h<mm>m<ss>/<blade id>/…`, as
/// CLIF 2.x and `clif run --report` write them.
///
/// Real files are accepted as they are: CRLF line ends, a last line without a newline, blank
/// lines, `null` results, lifecycle lines of equal dates out of state order (they are sorted
/// by date, then state id), blades that are probes (no `action` file). A malformed line is
/// skipped, counted, and reported as a ``ReportWarning`` with its `file:line`; only a missing
/// directory or run stops the reading (``ReportReadError``).
///
/// Reading is synchronous and touches only the files named; call it from any thread.
public enum ReportReader {
    /// At most this many warnings are kept a file; the rest are counted.
    public static let warningsPerFile = 100

    /// The runs of a report directory, oldest first (by the date in their names, not by the
    /// names: `b_2011-…` is older than `a_2012-…`).
    public static func runs(in directory: String) throws(ReportReadError) -> [RunFolder] {
        try requireDirectory(directory)
        return try list(directory).compactMap { name -> RunFolder? in
            let path = join(directory, name)
            guard isDirectory(path) else { return nil }
            return RunFolder(name: name, path: path)
        }.sorted()
    }

    /// The latest run of `directory`, or the one named `run`: a run folder's name
    /// (`dummy_2012-03-27_15h14m41`), or a test's name (its latest run). `directory` may also
    /// be a run folder itself, as `clif run` prints it.
    public static func read(directory: String, run: String? = nil) throws(ReportReadError) -> ReportRun {
        try read(folder: find(directory: directory, run: run))
    }

    /// The run folder `read(directory:run:)` would read.
    public static func find(directory: String, run: String? = nil) throws(ReportReadError) -> RunFolder {
        let trimmed = directory.count > 1 && directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        let all = try runs(in: trimmed)
        if all.isEmpty, run == nil, let itself = RunFolder(name: (trimmed as NSString).lastPathComponent, path: trimmed) {
            return itself
        }
        guard let latest = all.last else { throw .noRun(directory: trimmed) }
        guard let run else { return latest }
        if let named = all.first(where: { $0.name == run }) { return named }
        if let test = all.last(where: { $0.testName == run }) { return test }
        throw .noSuchRun(run, directory: trimmed, available: all.map(\.name))
    }

    /// Reads one run folder.
    public static func read(folder: RunFolder) throws(ReportReadError) -> ReportRun {
        var warnings = Warnings()
        let plan = readTestPlan(folder.testPlanPath, warnings: &warnings)
        var blades: [BladeReport] = []
        for name in try list(folder.path).sorted() where !name.hasPrefix(".") {
            let path = join(folder.path, name)
            guard isDirectory(path) else { continue }
            blades.append(try readBlade(id: name, path: path, plan: plan?.blades.first { $0.id == name }, warnings: &warnings))
        }
        return ReportRun(folder: folder, testPlan: plan, blades: blades, warnings: warnings.kept, skippedLines: warnings.skipped)
    }

    // MARK: - Test plan

    /// The `.ctp` beside the run: nil when it is missing or cannot be used (then its problems
    /// are warnings: the events are still read).
    private static func readTestPlan(_ path: String, warnings: inout Warnings) -> TestPlan? {
        guard let bytes = contents(path) else { return nil }
        let plan: TestPlan
        do {
            plan = try TestPlan.parse(String(decoding: bytes, as: UTF8.self), file: path)
        } catch {
            for diagnostic in error.diagnostics { warnings.note(warning(diagnostic, file: path)) }
            warnings.note(ReportWarning(file: path, line: 0, message: "the test plan cannot be used; blades are told apart by their files"))
            return nil
        }
        for diagnostic in plan.warnings { warnings.note(warning(diagnostic, file: path)) }
        return plan
    }

    private static func warning(_ diagnostic: Diagnostic, file: String) -> ReportWarning {
        ReportWarning(file: diagnostic.location?.file ?? file, line: diagnostic.location?.line ?? 0, message: diagnostic.message)
    }

    // MARK: - Blades

    /// Files of a blade folder that are not event files.
    private static let bladeFiles: Set<String> = ["action", "lifecycle", "alarm", "server.prop"]

    private static func readBlade(id: String, path: String, plan: TestPlan.Blade?, warnings: inout Warnings) throws(ReportReadError) -> BladeReport {
        var blade = BladeReport(id: id, path: path, plan: plan, hasActions: false)
        if let bytes = contents(join(path, "action")) {
            blade.hasActions = true
            blade.actions = readActions(bytes, file: join(path, "action"), warnings: &warnings)
        }
        if let bytes = contents(join(path, "lifecycle")) {
            blade.lifecycle = readLifecycle(bytes, file: join(path, "lifecycle"), warnings: &warnings)
        }
        if let bytes = contents(join(path, "alarm")) {
            blade.alarms = readAlarms(bytes, file: join(path, "alarm"), warnings: &warnings)
        }
        if let bytes = contents(join(path, "server.prop")) {
            blade.server = Dictionary(JavaProperties.parse(String(decoding: bytes, as: UTF8.self)), uniquingKeysWith: { $1 })
        }
        for name in try list(path).sorted() where !bladeFiles.contains(name) && !name.hasSuffix(".classname") && !name.hasPrefix(".") {
            let file = join(path, name)
            guard !isDirectory(file), let bytes = contents(file) else { continue }
            if let series = readProbe(bytes, name: name, file: file, warnings: &warnings) { blade.probes.append(series) }
        }
        return blade
    }

    // MARK: - Event files

    static func readActions(_ bytes: [UInt8], file: String, warnings: inout Warnings) -> [ActionEvent] {
        var events: [ActionEvent] = []
        events.reserveCapacity(bytes.count / 48)
        warnings.beginFile()
        for (number, line) in TextLines(bytes) where !isBlankOrComment(line) {
            if let event = ActionEvent(line: line) {
                events.append(event)
            } else {
                warnings.skip(file: file, line: number, message: actionProblem(line))
            }
        }
        warnings.endFile(file)
        return events
    }

    /// Why `ActionEvent(line:)` refused a line.
    static func actionProblem(_ line: Substring) -> String {
        let parts = line.split(separator: ",", maxSplits: 7, omittingEmptySubsequences: false)
        let shown = line.count > 80 ? line.prefix(77) + "…" : line
        guard parts.count == 8 else {
            return "not an action event (date, session id, action type, iteration, success, duration, comment, result): \(parts.count) field\(parts.count == 1 ? "" : "s") in '\(shown)'; line skipped"
        }
        let checks: [(Int, String)] = [(0, "date"), (1, "session id"), (3, "iteration"), (5, "duration")]
        for (index, name) in checks where Int64(parts[index]) == nil {
            return "\(name) '\(parts[index])' is not a whole number; line skipped"
        }
        return "success '\(parts[4])' is neither true nor false; line skipped"
    }

    static func readLifecycle(_ bytes: [UInt8], file: String, warnings: inout Warnings) -> [LifecycleEvent] {
        var events: [LifecycleEvent] = []
        warnings.beginFile()
        for (number, line) in TextLines(bytes) where !isBlankOrComment(line) {
            let parts = line.split(separator: ",", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count >= 2, let date = Int64(trim(parts[0])), let id = Int(trim(parts[1])) else {
                warnings.skip(file: file, line: number, message: "not a lifecycle event (date, state id, state label): '\(line)'; line skipped")
                continue
            }
            events.append(LifecycleEvent(date: date, stateID: id, label: parts.count > 2 ? String(trim(parts[2])) : ""))
        }
        warnings.endFile(file)
        // Real files put `running` before `starting` when both have the same date.
        return events.enumerated().sorted { ($0.element.date, $0.element.stateID, $0.offset) < ($1.element.date, $1.element.stateID, $1.offset) }.map(\.element)
    }

    static func readAlarms(_ bytes: [UInt8], file: String, warnings: inout Warnings) -> [Alarm] {
        var alarms: [Alarm] = []
        warnings.beginFile()
        for (number, line) in TextLines(bytes) where !isBlankOrComment(line) {
            let parts = line.split(separator: ",", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count >= 2, let date = Int64(trim(parts[0])), let severity = Int(trim(parts[1])) else {
                warnings.skip(file: file, line: number, message: "not an alarm (date, severity, message): '\(line)'; line skipped")
                continue
            }
            alarms.append(Alarm(date: date, severity: severity, message: parts.count > 2 ? String(parts[2]) : ""))
        }
        warnings.endFile(file)
        return alarms.sorted { $0.date < $1.date }
    }

    /// A probe's event file: `# date, label…` then numbers; nil (and a warning) when the
    /// file has no such header.
    static func readProbe(_ bytes: [UInt8], name: String, file: String, warnings: inout Warnings) -> ProbeSeries? {
        var labels: [String]?
        var samples: [ProbeSeries.Sample] = []
        warnings.beginFile()
        for (number, line) in TextLines(bytes) {
            let text = trim(line)
            if text.isEmpty { continue }
            if text.hasPrefix("#") {
                if labels == nil {
                    let fields = text.dropFirst().split(separator: ",", omittingEmptySubsequences: false).map { String(trim($0)) }
                    labels = Array(fields.dropFirst())
                }
                continue
            }
            guard let labels else {
                warnings.note(ReportWarning(file: file, line: 0, message: "no '# date, …' header: not an event file, ignored"))
                return nil
            }
            let fields = text.split(separator: ",", omittingEmptySubsequences: false).map(trim)
            guard fields.count == labels.count + 1, let date = Int64(fields[0]) ?? Double(fields[0]).flatMap(Int64.init(exactly:)) else {
                warnings.skip(file: file, line: number, message: "expected a date and \(labels.count) number\(labels.count == 1 ? "" : "s") (\(labels.joined(separator: ", "))): '\(line)'; line skipped")
                continue
            }
            let values = fields.dropFirst().map { Double($0) }
            guard values.allSatisfy({ $0 != nil && $0!.isFinite }) else {
                warnings.skip(file: file, line: number, message: "a value is not a number: '\(line)'; line skipped")
                continue
            }
            samples.append(ProbeSeries.Sample(date: date, values: values.map { $0! }))
        }
        warnings.endFile(file)
        guard let labels else { return nil }
        return ProbeSeries(name: name, labels: labels, samples: samples)
    }

    // MARK: - Files

    private static func isBlankOrComment(_ line: Substring) -> Bool {
        let text = trim(line)
        return text.isEmpty || text.hasPrefix("#")
    }

    private static func trim(_ text: Substring) -> Substring {
        var text = text
        while let first = text.first, first == " " || first == "\t" { text.removeFirst() }
        while let last = text.last, last == " " || last == "\t" { text.removeLast() }
        return text
    }

    private static func requireDirectory(_ path: String) throws(ReportReadError) {
        var directory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &directory) else { throw .noSuchDirectory(path) }
        guard directory.boolValue else { throw .notADirectory(path) }
    }

    private static func list(_ path: String) throws(ReportReadError) -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: path)
        } catch {
            throw .unreadable(path, reason: error.localizedDescription)
        }
    }

    private static func isDirectory(_ path: String) -> Bool {
        var directory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &directory) && directory.boolValue
    }

    private static func contents(_ path: String) -> [UInt8]? {
        FileManager.default.contents(atPath: path).map { Array($0) }
    }

    private static func join(_ folder: String, _ name: String) -> String {
        folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }
}
