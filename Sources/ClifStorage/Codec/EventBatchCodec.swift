import ClifCore

/// A batch of events as compact bytes: how a batch is stored in a shard and read back.
///
/// Version 1: a version byte; the action events (date, session, type, iteration, success,
/// duration, comment, result), the probe rows, the alarms, the dropped count and the session
/// count. Integers are varints (zig-zag when signed), doubles 8 bytes little-endian. The
/// strings of a batch repeat (action types, comments, results), so each is written once and
/// then referred to by its index in the batch: a 1,000-event batch of HTTP events takes about
/// 7 bytes an event, against about 100 in JSON (`docs/storage.md`).
public enum EventBatchCodec {
    static let version: UInt8 = 1

    public static func encode(_ batch: EventBatch) -> [UInt8] {
        var writer = BinaryWriter(capacity: 16 + batch.actions.count * 14 + batch.probes.count * 40)
        var strings = StringTable()
        writer.byte(version)
        writer.varint(batch.actions.count)
        for event in batch.actions {
            writer.signed(event.date)
            writer.signed(Int64(event.sessionID))
            strings.write(event.type, into: &writer)
            writer.signed(Int64(event.iteration))
            writer.byte((event.success ? 1 : 0) | (event.result == nil ? 0 : 2))
            writer.signed(event.duration)
            strings.write(event.comment, into: &writer)
            if let result = event.result { strings.write(result, into: &writer) }
        }
        writer.varint(batch.probes.count)
        for probe in batch.probes {
            strings.write(probe.type, into: &writer)
            writer.signed(probe.date)
            writer.varint(probe.values.count)
            for value in probe.values { writer.double(value) }
        }
        writer.varint(batch.alarms.count)
        for alarm in batch.alarms {
            writer.signed(alarm.date)
            writer.signed(Int64(alarm.severity))
            writer.string(alarm.message)
        }
        writer.varint(batch.dropped)
        if let sessions = batch.activeSessions {
            writer.byte(1)
            writer.signed(Int64(sessions))
        } else {
            writer.byte(0)
        }
        return writer.bytes
    }

    public static func decode(_ bytes: [UInt8]) throws(ShardFormatError) -> EventBatch {
        var reader = BinaryReader(bytes)
        let version = try reader.byte()
        guard version == Self.version else { throw ShardFormatError("an event batch of format version \(version); this build reads version \(Self.version)") }
        var strings: [String] = []
        var batch = EventBatch()
        // Each item takes at least a byte, so no count can exceed the bytes left.
        let actions = try reader.count(atMost: reader.remaining)
        batch.actions.reserveCapacity(actions)
        for _ in 0..<actions {
            let date = try reader.signed(), session = try reader.signed()
            let type = try StringTable.read(&reader, into: &strings)
            let iteration = try reader.signed()
            let flags = try reader.byte()
            let duration = try reader.signed()
            let comment = try StringTable.read(&reader, into: &strings)
            let result = flags & 2 == 0 ? nil : try StringTable.read(&reader, into: &strings)
            batch.actions.append(ActionEvent(date: date, sessionID: Int(truncatingIfNeeded: session), type: type, iteration: Int(truncatingIfNeeded: iteration),
                                             success: flags & 1 == 1, duration: duration, comment: comment, result: result))
        }
        let probes = try reader.count(atMost: reader.remaining)
        for _ in 0..<probes {
            let type = try StringTable.read(&reader, into: &strings)
            let date = try reader.signed()
            let count = try reader.count(atMost: reader.remaining / 8)
            var values: [Double] = []
            values.reserveCapacity(count)
            for _ in 0..<count { values.append(try reader.double()) }
            batch.probes.append(ProbeEvent(type: type, date: date, values: values))
        }
        let alarms = try reader.count(atMost: reader.remaining)
        for _ in 0..<alarms {
            batch.alarms.append(Alarm(date: try reader.signed(), severity: Int(truncatingIfNeeded: try reader.signed()), message: try reader.string()))
        }
        batch.dropped = try reader.varint()
        if try reader.byte() == 1 { batch.activeSessions = Int(truncatingIfNeeded: try reader.signed()) }
        guard reader.isAtEnd else { throw ShardFormatError("\(reader.remaining) bytes after the end of an event batch") }
        return batch
    }
}

/// The strings of one batch: the first use writes `0` and the text, a later use writes its
/// index + 1.
private struct StringTable {
    private var indices: [String: Int] = [:]
    /// Past this many distinct strings (unique results), new ones are written inline only.
    private static let limit = 4096

    mutating func write(_ string: String, into writer: inout BinaryWriter) {
        if let index = indices[string] {
            writer.varint(index + 1)
            return
        }
        writer.varint(0)
        writer.string(string)
        if indices.count < Self.limit { indices[string] = indices.count }
    }

    static func read(_ reader: inout BinaryReader, into strings: inout [String]) throws(ShardFormatError) -> String {
        let reference = try reader.varint()
        if reference == 0 {
            let string = try reader.string()
            if strings.count < limit { strings.append(string) }
            return string
        }
        guard reference <= UInt64(strings.count) else { throw ShardFormatError("a reference to string \(reference) of a batch that has \(strings.count)") }
        return strings[Int(reference - 1)]
    }
}
