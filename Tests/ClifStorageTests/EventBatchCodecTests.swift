import ClifCore
import Testing
@testable import ClifStorage

@Suite("Event batch codec")
struct EventBatchCodecTests {
    static func sample(actions: Int = 50) -> EventBatch {
        var batch = EventBatch(dropped: 7, activeSessions: 12)
        for index in 0..<actions {
            batch.actions.append(ActionEvent(date: Int64(1_000 + index), sessionID: index % 5, type: index % 3 == 0 ? "GET /" : "POST /cart",
                                             iteration: index / 5, success: index % 7 != 0, duration: Int64(index % 11) - 1,
                                             comment: index % 2 == 0 ? "200" : "café ✓", result: index % 4 == 0 ? nil : "r\(index % 6)"))
        }
        batch.probes = [ProbeEvent(type: "cpu", date: -5, values: [12.5, 0, .greatestFiniteMagnitude]), ProbeEvent(type: "memory", date: 1_000, values: [])]
        batch.alarms = [Alarm(date: 3_000, severity: 2, message: "the node is saturated\nat 3 s")]
        return batch
    }

    @Test func aBatchReadsBackEqual() throws {
        let batch = Self.sample()
        #expect(try EventBatchCodec.decode(EventBatchCodec.encode(batch)) == batch)
        #expect(try EventBatchCodec.decode(EventBatchCodec.encode(EventBatch())) == EventBatch())
    }

    @Test func repeatedStringsAreWrittenOnce() {
        var batch = EventBatch()
        for index in 0..<1_000 {
            batch.actions.append(ActionEvent(date: Int64(index), sessionID: index % 100, type: "GET /index.html", iteration: index / 100,
                                             success: true, duration: 3, comment: "200", result: nil))
        }
        let bytes = EventBatchCodec.encode(batch)
        #expect(bytes.count < 12 * 1_000, "\(bytes.count) bytes for 1,000 events")
    }

    @Test func moreDistinctStringsThanTheTableHoldsStillReadBack() throws {
        var batch = EventBatch()
        for index in 0..<6_000 {
            batch.actions.append(ActionEvent(date: Int64(index), sessionID: 1, type: "t\(index % 5_000)", iteration: 0, success: true,
                                             duration: 1, comment: "c\(index)", result: "r\(index % 4_500)"))
        }
        #expect(try EventBatchCodec.decode(EventBatchCodec.encode(batch)) == batch)
    }

    @Test func everyTruncationFailsWithAnError() {
        let bytes = EventBatchCodec.encode(Self.sample(actions: 8))
        for length in 0..<bytes.count {
            #expect(throws: ShardFormatError.self) { try EventBatchCodec.decode(Array(bytes.prefix(length))) }
        }
    }

    @Test func damagedBytesNeverTrap() {
        let bytes = EventBatchCodec.encode(Self.sample(actions: 20))
        var random = SplitMix(seed: 42)
        var decoded = 0
        for _ in 0..<3_000 {
            var damaged = bytes
            for _ in 0..<(1 + Int(random.next() % 4)) {
                damaged[Int(random.next() % UInt64(damaged.count))] = UInt8(truncatingIfNeeded: random.next())
            }
            if (try? EventBatchCodec.decode(damaged)) != nil { decoded += 1 }
        }
        // Most damage is caught by the structure; what still decodes is a well-formed batch.
        #expect(decoded < 3_000)
    }

    @Test func anUnknownVersionIsRefused() {
        var bytes = EventBatchCodec.encode(Self.sample(actions: 1))
        bytes[0] = 9
        #expect { try EventBatchCodec.decode(bytes) } throws: { "\($0)".contains("version 9") }
    }
}

/// A seeded generator, so that a failure repeats.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
