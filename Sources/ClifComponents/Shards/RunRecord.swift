import ClifCore
import ClifStorage
import Foundation

/// What a test run stores in its shards, one record each: the test, a blade, a batch of a
/// blade's events, a lifecycle change, an alarm.
///
/// The record's id makes writing it again harmless (a retried batch is the same id); its key
/// places it: a blade's events by interval (`<blade>/<interval>`), so that a long test spreads
/// over every shard, and the few other records under keys of their own. Event batches are
/// stored in ``ClifStorage/EventBatchCodec``'s binary form, the rest as JSON.
enum RunRecord: Sendable, Equatable {
    case test(TestInfo, plan: String)
    case blade(BladeInfo)
    case events(blade: String, sequence: Int, EventBatch)
    case lifecycle(blade: String, number: Int, state: BladeState, date: Int64, reason: String?)
    case alarm(blade: String, source: String, number: Int, Alarm)

    /// A blade's events fall in intervals of this many milliseconds of the test.
    static let defaultInterval: Int64 = 10_000

    func shardRecord(interval: Int64 = defaultInterval) throws -> ShardRecord {
        switch self {
        case .test:
            return ShardRecord(key: "test", id: "test", payload: try json())
        case .blade(let info):
            return ShardRecord(key: "blades", id: "blade:\(info.id)", payload: try json())
        case .events(let blade, let sequence, let batch):
            let date = batch.actions.first?.date ?? batch.probes.first?.date ?? batch.alarms.first?.date ?? 0
            return ShardRecord(key: "\(blade)/\(max(0, date) / max(1, interval))", id: "events:\(sequence):\(blade)",
                               payload: [Self.eventsTag] + EventBatchCodec.encode(batch))
        case .lifecycle(let blade, let number, _, _, _):
            return ShardRecord(key: "lifecycle", id: "lifecycle:\(number):\(blade)", payload: try json())
        case .alarm(let blade, let source, let number, _):
            return ShardRecord(key: "alarms", id: "alarm:\(source):\(number):\(blade)", payload: try json())
        }
    }

    init(_ record: ShardRecord) throws {
        guard let tag = record.payload.first else { throw ShardFormatError("record '\(record.id)' is empty") }
        if tag == Self.eventsTag {
            let parts = record.id.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3, parts[0] == "events", let sequence = Int(parts[1]) else {
                throw ShardFormatError("record '\(record.id)' holds events but its id is not events:<sequence>:<blade>")
            }
            self = .events(blade: String(parts[2]), sequence: sequence, try EventBatchCodec.decode(Array(record.payload.dropFirst())))
            return
        }
        guard tag == Self.jsonTag else { throw ShardFormatError("record '\(record.id)' starts with byte \(tag), neither events nor JSON") }
        do {
            self = try JSONDecoder().decode(Stored.self, from: Data(record.payload.dropFirst())).record
        } catch {
            throw ShardFormatError("record '\(record.id)' does not read: \(error)")
        }
    }

    private static let eventsTag = UInt8(ascii: "E")
    private static let jsonTag = UInt8(ascii: "J")

    private func json() throws -> [UInt8] {
        [Self.jsonTag] + Array(try JSONEncoder().encode(Stored(self)))
    }

    /// Where a record goes in the report: the test, then the blades, then each blade's events
    /// in the order its proxy sent them, then lifecycle changes and alarms by date.
    var order: (Int, String, Int64, Int) {
        switch self {
        case .test: (0, "", 0, 0)
        case .blade(let info): (1, info.id, 0, 0)
        case .events(let blade, let sequence, _): (2, blade, Int64(sequence), 0)
        case .lifecycle(_, let number, _, let date, _): (3, "", date, number)
        case .alarm(_, _, let number, let alarm): (4, "", alarm.date, number)
        }
    }

    /// The JSON form of the records that are not events.
    private struct Stored: Codable {
        var test: TestInfo?
        var plan: String?
        var blade: BladeInfo?
        var bladeID: String?
        var number: Int?
        var state: BladeState?
        var date: Int64?
        var reason: String?
        var source: String?
        var alarm: Alarm?

        init(_ record: RunRecord) {
            switch record {
            case .test(let test, let plan): self.test = test; self.plan = plan
            case .blade(let info): blade = info
            case .events: break
            case .lifecycle(let blade, let number, let state, let date, let reason):
                bladeID = blade; self.number = number; self.state = state; self.date = date; self.reason = reason
            case .alarm(let blade, let source, let number, let alarm):
                bladeID = blade; self.source = source; self.number = number; self.alarm = alarm
            }
        }

        var record: RunRecord {
            get throws {
                if let test { return .test(test, plan: plan ?? "") }
                if let blade { return .blade(blade) }
                if let bladeID, let number, let state, let date { return .lifecycle(blade: bladeID, number: number, state: state, date: date, reason: reason) }
                if let bladeID, let source, let number, let alarm { return .alarm(blade: bladeID, source: source, number: number, alarm) }
                throw ShardFormatError("a stored record of no known kind")
            }
        }
    }
}
