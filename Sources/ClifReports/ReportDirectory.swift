import ClifCore
import Foundation

/// A CLIF report directory for one run, as CLIF's tools read it:
/// `DIR/<test>_<yyyy-MM-dd>_<HH>h<mm>m<ss>/<blade id>/action` (and `lifecycle`, `alarm`,
/// `*.classname`, `server.prop`), with a copy of the test plan beside the run folder.
///
/// Files are written as the run goes: events are appended each time they are handed over, so
/// a run that stops early still leaves what it measured.
public final class ReportDirectory {
    public let runFolder: String
    public let bladeFolder: String
    private let action: FileHandle
    private let lifecycle: FileHandle
    private var alarm: FileHandle?

    /// Creates the folders and files. `testName` names the run (CLIF's test name).
    public init(in directory: String, testName: String, bladeID: String, testPlan: String, date: Date = Date(), server: [String: String]) throws {
        let stamp = Self.stamp(date)
        runFolder = directory + "/" + testName + "_" + stamp
        bladeFolder = runFolder + "/" + bladeID
        let files = FileManager.default
        do {
            try files.createDirectory(atPath: bladeFolder, withIntermediateDirectories: true)
        } catch {
            throw ReportError("cannot create the report folder \(bladeFolder): \(error.localizedDescription)")
        }
        try Self.write(runFolder + ".ctp", testPlan)
        try Self.write(bladeFolder + "/action.classname", "org.ow2.clif.storage.api.ActionEvent\n")
        try Self.write(bladeFolder + "/lifecycle.classname", "org.ow2.clif.storage.api.LifeCycleEvent\n")
        try Self.write(bladeFolder + "/server.prop", server.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "\n") + "\n")
        try Self.write(bladeFolder + "/action", ActionEvent.fileHeader + "\n")
        try Self.write(bladeFolder + "/lifecycle", BladeState.lifecycleHeader + "\n")
        action = try Self.open(bladeFolder + "/action")
        lifecycle = try Self.open(bladeFolder + "/lifecycle")
    }

    public func append(_ events: [ActionEvent]) throws {
        guard !events.isEmpty else { return }
        var text = ""
        text.reserveCapacity(events.count * 64)
        for event in events {
            text += event.line
            text += "\n"
        }
        try Self.append(action, text)
    }

    public func append(_ state: BladeState, at date: Int64) throws {
        try Self.append(lifecycle, state.lifecycleLine(date: date) + "\n")
    }

    public func append(_ alarms: [Alarm]) throws {
        guard !alarms.isEmpty else { return }
        if alarm == nil {
            try Self.write(bladeFolder + "/alarm.classname", "org.ow2.clif.storage.api.AlarmEvent\n")
            try Self.write(bladeFolder + "/alarm", Alarm.fileHeader + "\n")
            alarm = try Self.open(bladeFolder + "/alarm")
        }
        try Self.append(alarm!, alarms.map { $0.line + "\n" }.joined())
    }

    public func close() {
        try? action.close()
        try? lifecycle.close()
        try? alarm?.close()
    }

    /// `2012-03-27_15h14m41`, in local time, as CLIF names runs.
    public static func stamp(_ date: Date) -> String {
        var time = time_t(date.timeIntervalSince1970)
        var parts = tm()
        localtime_r(&time, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))_\(two(parts.tm_hour))h\(two(parts.tm_min))m\(two(parts.tm_sec))"
    }

    private static func write(_ path: String, _ text: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else {
            throw ReportError("cannot write \(path)")
        }
    }

    private static func open(_ path: String) throws -> FileHandle {
        guard let handle = FileHandle(forWritingAtPath: path) else { throw ReportError("cannot open \(path)") }
        handle.seekToEndOfFile()
        return handle
    }

    private static func append(_ handle: FileHandle, _ text: String) throws {
        do { try handle.write(contentsOf: Data(text.utf8)) } catch { throw ReportError("cannot write the report: \(error.localizedDescription)") }
    }
}

public struct ReportError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
