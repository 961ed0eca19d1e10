import ClifCore
import ClifReports
import Fractal
import Foundation
import Synchronization

/// The content of the file storage (`ADL/clif/FileStorage.fractal`): writes a test's results
/// as a CLIF report directory under `directory`, as they arrive.
public final class FileStorage: StorageWrite, StorageAdmin {
    public let directory = Attribute("directory", "report")

    private let report = Mutex<RunReport?>(nil)
    /// The last batch number stored of each blade: a batch sent again is not written twice.
    private let stored = Mutex<[String: Int]>([:])

    public init() {}

    public static func register(in registry: Registry = .shared) {
        registry.register(StorageWriteProxy.self)
        registry.register(StorageAdminProxy.self)
        registry.registerContent("clif.FileStorage") { FileStorage() }
    }

    public func openTest(_ test: TestInfo, plan: String) async throws -> String {
        let opened = try RunReport(in: directory.value, testName: test.name, testPlan: plan,
                                   date: Date(timeIntervalSince1970: Double(test.start) / 1000))
        report.withLock { $0 = opened }
        stored.withLock { $0 = [:] }
        return opened.runFolder
    }

    public func openBlade(_ blade: BladeInfo) async throws {
        try current().addBlade(blade.id, eventTypes: blade.eventTypes, server: blade.server)
    }

    public func store(_ blade: String, _ batch: EventBatch, sequence: Int) async throws {
        let report = try current()
        let new = stored.withLock { stored in
            guard sequence > stored[blade, default: 0] else { return false }
            stored[blade] = sequence
            return true
        }
        if new { try report.append(batch, blade: blade) }
    }

    public func lifecycle(_ blade: String, _ state: BladeState, date: Int64, reason: String?) async throws {
        try current().lifecycle(state, date: date, reason: reason, blade: blade)
    }

    public func alarm(_ blade: String, _ alarm: Alarm) async throws {
        try current().append(EventBatch(alarms: [alarm]), blade: blade)
    }

    public func closeTest() async throws -> String {
        let report = try current()
        report.close()
        return report.runFolder
    }

    private func current() throws -> RunReport {
        guard let report = report.withLock({ $0 }) else { throw ReportError("the storage has no test open (the supervisor opens it first)") }
        return report
    }
}
