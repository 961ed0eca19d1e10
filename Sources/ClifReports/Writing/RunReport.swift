import ClifCore
import Foundation
import Synchronization

/// The CLIF report directory of one run with many blades, written as the run goes:
/// `DIR/<test>_<yyyy-MM-dd>_<HH>h<mm>m<ss>/<blade id>/` with one file per event type
/// (`action` for injectors, `cpu`, `memory` … for probes) and its `.classname`, `lifecycle`,
/// `alarm` when there are alarms, `server.prop`; the test plan beside the run folder.
///
/// Safe to call from any task: writes are serialised by a lock. Every batch is on disk when
/// ``append(_:blade:)`` returns, so a run cut short leaves what it had stored.
public final class RunReport: Sendable {
    public let runFolder: String

    private final class BladeFiles {
        let folder: String
        var files: [String: FileHandle] = [:]
        var eventTypes: [String: EventType] = [:]
        init(folder: String) { self.folder = folder }
    }

    private struct State: @unchecked Sendable {
        var blades: [String: BladeFiles] = [:]
        var closed = false
    }

    private let state = Mutex(State())

    /// The run folder a report of test `testName` started at `date` has under `directory`.
    public static func folderName(in directory: String, testName: String, date: Date) -> String {
        directory + "/" + testName + "_" + ReportDirectory.stamp(date)
    }

    /// Creates the run folder and writes the test plan beside it.
    public init(in directory: String, testName: String, testPlan: String, date: Date = Date()) throws {
        runFolder = Self.folderName(in: directory, testName: testName, date: date)
        do {
            try FileManager.default.createDirectory(atPath: runFolder, withIntermediateDirectories: true)
        } catch {
            throw ReportError("cannot create the report folder \(runFolder): \(error.localizedDescription)")
        }
        try Self.write(runFolder + ".ctp", testPlan)
    }

    /// Creates blade `id`'s folder with a file per event type, `lifecycle` and `server.prop`.
    public func addBlade(_ id: String, eventTypes: [EventType], server: [String: String]) throws {
        try state.withLock { state in
            guard state.blades[id] == nil else { return }
            let blade = BladeFiles(folder: runFolder + "/" + Self.safeName(id))
            do {
                try FileManager.default.createDirectory(atPath: blade.folder, withIntermediateDirectories: true)
            } catch {
                throw ReportError("cannot create the blade folder \(blade.folder): \(error.localizedDescription)")
            }
            try Self.write(blade.folder + "/server.prop", server.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "\n") + "\n")
            for type in eventTypes {
                let header = type.name == EventType.action.name ? ActionEvent.fileHeader : type.fileHeader
                blade.files[type.name] = try Self.create(blade.folder, type.name, header: header, className: Self.className(of: type.name))
                blade.eventTypes[type.name] = type
            }
            blade.files["lifecycle"] = try Self.create(blade.folder, "lifecycle", header: BladeState.lifecycleHeader, className: Self.className(of: "lifecycle"))
            state.blades[id] = blade
        }
    }

    /// Appends a batch of blade `id`'s events to its files.
    public func append(_ batch: EventBatch, blade id: String) throws {
        try state.withLock { state in
            let blade = try Self.blade(id, in: state)
            if !batch.actions.isEmpty {
                guard let file = blade.files[EventType.action.name] else { throw ReportError("blade '\(id)' sent action events, but declared no action event type") }
                var text = ""
                text.reserveCapacity(batch.actions.count * 64)
                for event in batch.actions {
                    text += event.line
                    text += "\n"
                }
                try Self.append(file, text)
            }
            if !batch.probes.isEmpty {
                var texts: [String: String] = [:]
                for row in batch.probes {
                    texts[row.type, default: ""] += ([String(row.date)] + row.values.map(Self.number)).joined(separator: ",") + "\n"
                }
                for (type, text) in texts {
                    guard let file = blade.files[type] else { throw ReportError("blade '\(id)' sent '\(type)' events, which it did not declare") }
                    try Self.append(file, text)
                }
            }
            if !batch.alarms.isEmpty { try Self.alarm(batch.alarms, to: blade) }
        }
    }

    /// Appends a line to blade `id`'s `lifecycle`; an aborted blade's reason goes to its `alarm`
    /// file too (severity 3), since CLIF's lifecycle lines have no room for it.
    public func lifecycle(_ state: BladeState, date: Int64, reason: String?, blade id: String) throws {
        try self.state.withLock { all in
            let blade = try Self.blade(id, in: all)
            try Self.append(blade.files["lifecycle"]!, state.lifecycleLine(date: date) + "\n")
            if let reason { try Self.alarm([Alarm(date: date, severity: state == .aborted ? 3 : 1, message: "\(state): \(reason)")], to: blade) }
        }
    }

    /// Closes every file.
    public func close() {
        state.withLock { state in
            for blade in state.blades.values { for file in blade.files.values { try? file.close() } }
            state.blades = [:]
            state.closed = true
        }
    }

    // MARK: Files

    /// CLIF's event classes, as `.classname` files name them (probe classes are CLIF's
    /// `org.ow2.clif.probe.<type>` packages).
    static func className(of type: String) -> String {
        switch type {
        case "action": "org.ow2.clif.storage.api.ActionEvent"
        case "lifecycle": "org.ow2.clif.storage.api.LifeCycleEvent"
        case "alarm": "org.ow2.clif.storage.api.AlarmEvent"
        default: "org.ow2.clif.probe.\(type).\(type.prefix(1).uppercased() + type.dropFirst())Event"
        }
    }

    /// A probe value as short as it can be written: `12`, `12.5`, `0.25`.
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        let rounded = (value * 100).rounded() / 100
        return rounded == rounded.rounded() ? String(Int64(rounded)) : String(rounded)
    }

    private static func blade(_ id: String, in state: State) throws -> BladeFiles {
        guard let blade = state.blades[id] else { throw ReportError("no blade '\(id)' in this report (declared: \(state.blades.keys.sorted().joined(separator: ", ")))") }
        return blade
    }

    private static func alarm(_ alarms: [Alarm], to blade: BladeFiles) throws {
        if blade.files["alarm"] == nil {
            blade.files["alarm"] = try create(blade.folder, "alarm", header: Alarm.fileHeader, className: className(of: "alarm"))
        }
        try append(blade.files["alarm"]!, alarms.map { $0.line + "\n" }.joined())
    }

    /// A blade id as a folder name: path separators would leave the run folder.
    static func safeName(_ id: String) -> String {
        let cleaned = String(id.map { $0 == "/" || $0 == "\0" ? "_" : $0 })
        return cleaned == "." || cleaned == ".." ? "_" + cleaned : cleaned
    }

    private static func create(_ folder: String, _ name: String, header: String, className: String) throws -> FileHandle {
        try write(folder + "/" + name + ".classname", className + "\n")
        try write(folder + "/" + name, header + "\n")
        guard let handle = FileHandle(forWritingAtPath: folder + "/" + name) else { throw ReportError("cannot open \(folder)/\(name)") }
        handle.seekToEndOfFile()
        return handle
    }

    private static func write(_ path: String, _ text: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else { throw ReportError("cannot write \(path)") }
    }

    private static func append(_ handle: FileHandle, _ text: String) throws {
        do { try handle.write(contentsOf: Data(text.utf8)) } catch { throw ReportError("cannot write the report: \(error.localizedDescription)") }
    }
}
