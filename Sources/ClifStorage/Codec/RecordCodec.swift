/// Lists of records and index entries as bytes: how they travel between a shard and its
/// clients (one `[UInt8]` argument, sent as is) and how the log stores a record's body.
///
/// A list is a count, then its items; a record is its key, id and payload, each
/// length-prefixed.
public enum RecordCodec {
    public static func encode(_ records: [ShardRecord]) -> [UInt8] {
        var writer = BinaryWriter(capacity: records.reduce(8) { $0 + $1.payload.count + $1.key.utf8.count + $1.id.utf8.count + 8 })
        writer.varint(records.count)
        for record in records { write(record, into: &writer) }
        return writer.bytes
    }

    public static func decodeRecords(_ bytes: [UInt8]) throws(ShardFormatError) -> [ShardRecord] {
        var reader = BinaryReader(bytes)
        let count = try reader.count(atMost: bytes.count)
        var records: [ShardRecord] = []
        records.reserveCapacity(count)
        for _ in 0..<count { records.append(try read(&reader)) }
        guard reader.isAtEnd else { throw ShardFormatError("\(reader.remaining) bytes after the last of \(count) records") }
        return records
    }

    public static func encode(_ entries: [ShardIndexEntry]) -> [UInt8] {
        var writer = BinaryWriter(capacity: entries.count * 32 + 8)
        writer.varint(entries.count)
        for entry in entries {
            writer.string(entry.id)
            writer.string(entry.key)
            writer.varint(entry.size)
        }
        return writer.bytes
    }

    public static func decodeIndex(_ bytes: [UInt8]) throws(ShardFormatError) -> [ShardIndexEntry] {
        var reader = BinaryReader(bytes)
        let count = try reader.count(atMost: bytes.count)
        var entries: [ShardIndexEntry] = []
        entries.reserveCapacity(count)
        for _ in 0..<count {
            entries.append(ShardIndexEntry(id: try reader.string(), key: try reader.string(), size: try reader.count(atMost: Int(Int32.max))))
        }
        guard reader.isAtEnd else { throw ShardFormatError("\(reader.remaining) bytes after the last of \(count) index entries") }
        return entries
    }

    static func write(_ record: ShardRecord, into writer: inout BinaryWriter) {
        writer.string(record.key)
        writer.string(record.id)
        writer.data(record.payload)
    }

    static func read(_ reader: inout BinaryReader) throws(ShardFormatError) -> ShardRecord {
        ShardRecord(key: try reader.string(), id: try reader.string(), payload: try reader.data())
    }
}
