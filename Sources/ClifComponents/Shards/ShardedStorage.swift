import ClifCore
import ClifReports
import ClifStorage
import Fractal
import Foundation
import Synchronization

/// The content of the sharded storage (`ADL/clif/ShardedStorage.fractal`): what the
/// supervisor drives when a test's results go to storage shards. It stores the test, the
/// blades, their lifecycle and the supervisor's alarms in the shards (the blades' routers
/// store their events), and when the test closes, reads the whole run back through the
/// shards — merged, de-duplicated, repairing shards that missed writes — into a CLIF report
/// directory under `directory`.
public final class ShardedStorage: StorageAdmin, StorageWrite {
    public let directory = Attribute("directory", "report")
    public let run = Attribute("run", "")
    public let replicas = Attribute("replicas", 2)
    public let writeQuorum = Attribute("writeQuorum", 0)
    public let timeout = Attribute("timeout", 5_000)
    public let shards = Multicast<any ShardStore>("shards")

    private struct Open {
        var test: TestInfo
        var plan: String
        var folder: String
        var lifecycleNumber = 0
        var alarmNumber = 0
    }

    private let open = Mutex<Open?>(nil)
    private let replicated = Mutex<ShardReplicas?>(nil)
    /// What the last close found (for tests and the launcher's summary).
    private let lastRead = Mutex<ShardReadOutcome?>(nil)

    public init() {}

    public static func register(in registry: Registry = .shared) {
        registry.register(StorageAdminProxy.self)
        registry.register(StorageWriteProxy.self)
        registry.register(ShardStoreProxy.self)
        registry.registerContent("clif.ShardedStorage") { ShardedStorage() }
    }

    public func openTest(_ test: TestInfo, plan: String) async throws -> String {
        guard !run.value.isEmpty else { throw ShardConfigurationError("sharded storage: no run is set (its `run` attribute)") }
        guard shards.count > 0 else { throw ShardConfigurationError("sharded storage: no storage shard is bound to `shards`") }
        let folder = RunReport.folderName(in: directory.value, testName: test.name, date: Date(timeIntervalSince1970: Double(test.start) / 1000))
        open.withLock { $0 = Open(test: test, plan: plan, folder: folder) }
        try await write(.test(test, plan: plan))
        return folder
    }

    public func openBlade(_ blade: BladeInfo) async throws {
        try await write(.blade(blade))
    }

    public func lifecycle(_ blade: String, _ state: BladeState, date: Int64, reason: String?) async throws {
        let number = try opened { $0.lifecycleNumber += 1; return $0.lifecycleNumber }
        try await write(.lifecycle(blade: blade, number: number, state: state, date: date, reason: reason))
    }

    public func alarm(_ blade: String, _ alarm: Alarm) async throws {
        let number = try opened { $0.alarmNumber += 1; return $0.alarmNumber }
        try await write(.alarm(blade: blade, source: "supervisor", number: number, alarm))
    }

    public func store(_ blade: String, _ batch: EventBatch, sequence: Int) async throws {
        try await write(.events(blade: blade, sequence: sequence, batch))
    }

    public func closeTest() async throws -> String {
        let open = try opened { $0 }
        let outcome = try await Self.writeReport(run: run.value, through: replicaSet(), directory: directory.value)
        lastRead.withLock { $0 = outcome }
        self.open.withLock { $0 = nil }
        // Beside the run folder, as the .ctp is: what reading it back through the shards found.
        try? outcome.summary(run: run.value).write(toFile: open.folder + ".shards", atomically: true, encoding: .utf8)
        return open.folder
    }

    /// What reading the run back found when the test closed.
    public var lastReadOutcome: ShardReadOutcome? { lastRead.withLock { $0 } }

    /// Reads `run` back through `replicas` into a CLIF report directory under `directory`
    /// (its run folder named from the test's record), repairing shards as it reads.
    ///
    /// - Throws: when no shard holds the test's record, or the report cannot be written.
    static func writeReport(run: String, through replicas: ShardReplicas, directory: String, repair: Bool = true,
                            opened: (String) -> Void = { _ in }) async throws -> ShardReadOutcome {
        var report: RunReport?
        var blades: Set<String> = []
        var withoutTest = 0
        // A blade whose own record no shard could give still gets a folder for its events.
        func ensureBlade(_ id: String, in report: RunReport, actions: Bool = false) throws {
            guard blades.insert(id).inserted else { return }
            try report.addBlade(id, eventTypes: actions ? [.action] : [], server: [:])
        }
        let outcome = try await replicas.read(run: run, repair: repair) { record in
            guard let report else {
                guard case .test(let test, let plan) = record else {
                    withoutTest += 1
                    return
                }
                let made = try RunReport(in: directory, testName: test.name, testPlan: plan, date: Date(timeIntervalSince1970: Double(test.start) / 1000))
                opened(made.runFolder)
                report = made
                return
            }
            switch record {
            case .test: break
            case .blade(let info):
                guard blades.insert(info.id).inserted else { return }
                try report.addBlade(info.id, eventTypes: info.eventTypes, server: info.server)
            case .events(let blade, _, let batch):
                try ensureBlade(blade, in: report, actions: !batch.actions.isEmpty)
                try report.append(batch, blade: blade)
            case .lifecycle(let blade, _, let state, let date, let reason):
                try ensureBlade(blade, in: report)
                try report.lifecycle(state, date: date, reason: reason, blade: blade)
            case .alarm(let blade, _, _, let alarm):
                try ensureBlade(blade, in: report)
                try report.append(EventBatch(alarms: [alarm]), blade: blade)
            }
        }
        guard let report else {
            let unreadable = outcome.unreadable.map { "\($0.key): \($0.value)" }.sorted().joined(separator: "; ")
            throw ShardConfigurationError("no shard holds the test record of run '\(run)' (\(withoutTest) other records)" + (unreadable.isEmpty ? "" : "; unreadable: \(unreadable)"))
        }
        report.close()
        return outcome
    }

    private func write(_ record: RunRecord) async throws {
        let stored = try record.shardRecord()
        _ = try await replicaSet().write([stored], key: stored.key, run: run.value)
    }

    func replicaSet() -> ShardReplicas {
        replicated.replicaSet(shards, replicas: replicas, writeQuorum: writeQuorum, timeout: timeout)
    }

    private func opened<T>(_ body: (inout Open) -> T) throws -> T {
        try open.withLock { open in
            guard open != nil else { throw ReportError("the storage has no test open (the supervisor opens it first)") }
            return body(&open!)
        }
    }
}
