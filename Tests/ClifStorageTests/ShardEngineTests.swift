import Foundation
import Testing
@testable import ClifStorage

enum EngineKind: String, CaseIterable, CustomStringConvertible {
    case log, sqlite
    var description: String { rawValue }

    func open(_ directory: String, durability: Durability = .fsync) throws -> any ShardEngine {
        switch self {
        case .log: try LogShardEngine(directory: directory, durability: durability)
        case .sqlite: try SQLiteShardEngine(directory: directory, durability: durability)
        }
    }
}

func scratchFolder() -> String {
    let path = NSTemporaryDirectory() + "shard-tests-\(UUID().uuidString)"
    try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

func record(_ id: String, key: String = "k", size: Int = 10) -> ShardRecord {
    ShardRecord(key: key, id: id, payload: (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ id.utf8.count) })
}

@Suite("Shard engines")
struct ShardEngineTests {
    @Test(arguments: EngineKind.allCases)
    func aRecordIsStoredOnceWhateverTimesItIsPut(kind: EngineKind) throws {
        let folder = scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let engine = try kind.open(folder)
        #expect(try engine.put([record("a"), record("b"), record("a")], run: "run-1") == 2)
        #expect(try engine.put([record("b"), record("c")], run: "run-1") == 1)
        #expect(try engine.put([record("a")], run: "run-2") == 1)
        #expect(try engine.index(run: "run-1").map(\.id) == ["a", "b", "c"])
        #expect(try engine.index(run: "run-2").map(\.id) == ["a"])
        #expect(try engine.index(run: "unknown").isEmpty)
        #expect(try engine.runs() == ["run-1", "run-2"])
        engine.close()
    }

    @Test(arguments: EngineKind.allCases)
    func recordsComeInTheOrderAskedWithinTheByteBudget(kind: EngineKind) throws {
        let folder = scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let engine = try kind.open(folder)
        let records = (0..<10).map { record("r\($0)", key: "key\($0 % 3)", size: 100) }
        _ = try engine.put(records, run: "run")
        #expect(try engine.records(run: "run", ids: ["r3", "nope", "r1"], maxBytes: 1 << 20) == [records[3], records[1]])
        let budgeted = try engine.records(run: "run", ids: records.map(\.id), maxBytes: 250)
        #expect(budgeted.count >= 1 && budgeted.count < 10)
        #expect(budgeted == Array(records.prefix(budgeted.count)))
        #expect(try engine.records(run: "run", ids: ["r9"], maxBytes: 1) == [records[9]])
        #expect(try engine.index(run: "run").map(\.key) == records.map(\.key))
        engine.close()
    }

    @Test(arguments: EngineKind.allCases)
    func aReopenedStoreHoldsEverythingItAcknowledged(kind: EngineKind) throws {
        let folder = scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var engine = try kind.open(folder)
        let records = (0..<200).map { record("id-\($0)", key: "k\($0 % 7)", size: $0) }
        for chunk in stride(from: 0, to: records.count, by: 30) {
            _ = try engine.put(Array(records[chunk..<min(chunk + 30, records.count)]), run: "a run/with odd: name")
        }
        engine.close()
        engine = try kind.open(folder)
        #expect(try engine.runs() == ["a run/with odd: name"])
        #expect(try engine.records(run: "a run/with odd: name", ids: records.map(\.id), maxBytes: .max) == records)
        #expect(try engine.put([records[5]], run: "a run/with odd: name") == 0)
        engine.close()
    }

    @Test(arguments: EngineKind.allCases)
    func concurrentPutsAreAllStored(kind: EngineKind) async throws {
        let folder = scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let engine = try kind.open(folder)
        let added = await withTaskGroup(of: Int.self) { group in
            for writer in 0..<8 {
                group.addTask {
                    var added = 0
                    // Writers overlap on half their ids: each id must be counted once in all.
                    for batch in 0..<25 { added += (try? engine.put((0..<4).map { record("w\(writer / 2)-\(batch)-\($0)") }, run: "run")) ?? -1_000 }
                    return added
                }
            }
            return await group.reduce(0, +)
        }
        #expect(added == 4 * 25 * 4)
        #expect(try Set(engine.index(run: "run").map(\.id)).count == 400)
        engine.close()
    }
}

@Suite("Shard log")
struct ShardLogTests {
    func logFile(in folder: String) throws -> String {
        folder + "/" + (try FileManager.default.contentsOfDirectory(atPath: folder).first { $0.hasSuffix(".shardlog") }!)
    }

    @Test func aRecordCutShortByACrashIsDroppedAndTheLogGoesOn() throws {
        let folder = scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var engine = try LogShardEngine(directory: folder)
        let records = (0..<5).map { record("r\($0)", size: 1_000) }
        for record in records { _ = try engine.put([record], run: "run") }
        engine.close()
        let file = try logFile(in: folder)
        let whole = try Data(contentsOf: URL(fileURLWithPath: file))
        // Header, key "k", id "r4", payload: each string and the payload length-prefixed.
        let lastRecord = 8 + (1 + 1) + (1 + 2) + (2 + 1_000)
        // Every cut inside the last record leaves the first four.
        for cut in stride(from: 1, to: 1_000, by: 97) {
            try whole.prefix(whole.count - cut).write(to: URL(fileURLWithPath: file))
            engine = try LogShardEngine(directory: folder)
            #expect(try engine.index(run: "run").map(\.id) == ["r0", "r1", "r2", "r3"])
            #expect(engine.repairedBytes["run"] == lastRecord - cut)
            engine.close()
        }
        engine = try LogShardEngine(directory: folder)
        #expect(try engine.put([records[4], record("r5")], run: "run") == 2)
        engine.close()
        engine = try LogShardEngine(directory: folder)
        #expect(try engine.records(run: "run", ids: ["r3", "r4", "r5"], maxBytes: .max) == [records[3], records[4], record("r5")])
        engine.close()
    }

    @Test func aRecordWhoseChecksumFailsEndsTheLog() throws {
        let folder = scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var engine = try LogShardEngine(directory: folder)
        _ = try engine.put([record("a", size: 50)], run: "run")
        _ = try engine.put([record("b", size: 50)], run: "run")
        engine.close()
        let file = try logFile(in: folder)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: file))
        bytes[bytes.count - 3] ^= 0xFF
        try bytes.write(to: URL(fileURLWithPath: file))
        engine = try LogShardEngine(directory: folder)
        #expect(try engine.index(run: "run").map(\.id) == ["a"])
        engine.close()
    }

    @Test func aFileThatIsNotALogIsRefused() throws {
        let folder = scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Data("hello".utf8).write(to: URL(fileURLWithPath: folder + "/run.shardlog"))
        let engine = try LogShardEngine(directory: folder)
        #expect { try engine.index(run: "run") } throws: { "\($0)".contains("is not a shard log") }
    }

    @Test func runNamesCannotLeaveTheFolder() {
        for run in ["../../etc/passwd", ".hidden", "a/b", "café", "plain-name_1.2", "%41"] {
            let file = RunFileName.file(of: run)
            #expect(!file.contains("/") && !file.hasPrefix("."))
            #expect(RunFileName.run(of: file) == run)
        }
    }
}
