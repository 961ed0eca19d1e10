import CZlib
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One run's append-only log file: a header, then records, each
/// `length (u32 LE) | crc32 (u32 LE) | body`, the body as ``RecordCodec`` writes one record.
///
/// Opening reads the file through once and keeps the index in memory (id → place). A record
/// cut short by a crash, or one whose checksum fails, ends the log: the file is cut back to
/// the last whole record (its replicas hold what was lost, and repair brings it back).
///
/// Not thread-safe but for ``syncedEnd`` and ``syncToDisk()``: its owner (``LogShardEngine``)
/// appends and reads under its own lock, and syncs outside it so that puts share a sync.
final class ShardLog: @unchecked Sendable {
    static let magic: [UInt8] = Array("CLIFSHARD\u{1}\n".utf8)
    private static let recordHeader = 8
    /// The largest record body a log accepts (a batch is far smaller).
    static let maximumRecord = 256 << 20

    struct Place {
        var key: String
        var offset: Int
        var length: Int
    }

    let path: String
    private let descriptor: Int32
    private(set) var order: [String] = []
    private(set) var places: [String: Place] = [:]
    /// Bytes written so far.
    private(set) var end = 0
    /// Bytes known to be on disk.
    let syncedEnd = Atomic<Int>(0)
    /// Bytes cut from a damaged tail at opening (0 when the log was whole).
    private(set) var repairedBytes = 0

    init(path: String) throws(ShardStoreError) {
        self.path = path
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw ShardStoreError("cannot open \(path): \(String(cString: strerror(errno)))") }
        do {
            try load()
        } catch {
            _ = closeFile(descriptor)
            throw error
        }
    }

    deinit { _ = closeFile(descriptor) }

    private func load() throws(ShardStoreError) {
        let size = Int(lseek(descriptor, 0, SEEK_END))
        if size == 0 {
            try write(Self.magic)
            end = Self.magic.count
            try syncToDisk()
            syncedEnd.store(end, ordering: .releasing)
            return
        }
        let bytes = try read(at: 0, count: size)
        guard bytes.count >= Self.magic.count, Array(bytes[0..<Self.magic.count]) == Self.magic else {
            throw ShardStoreError("\(path) is not a shard log (its first bytes are not the log header)")
        }
        var offset = Self.magic.count
        while offset + Self.recordHeader <= bytes.count {
            let length = Int(Self.word(bytes, at: offset)), checksum = Self.word(bytes, at: offset + 4)
            let start = offset + Self.recordHeader
            guard length <= Self.maximumRecord, start + length <= bytes.count else { break }
            let body = bytes[start..<start + length]
            guard Self.crc(body) == checksum else { break }
            var reader = BinaryReader(body)
            guard let key = try? reader.string(), let id = try? reader.string() else { break }
            if places[id] == nil {
                order.append(id)
                places[id] = Place(key: key, offset: start, length: length)
            }
            offset = start + length
        }
        if offset < bytes.count {
            repairedBytes = bytes.count - offset
            guard ftruncate(descriptor, off_t(offset)) == 0 else { throw ShardStoreError("cannot cut the damaged end of \(path): \(String(cString: strerror(errno)))") }
        }
        end = offset
        syncedEnd.store(offset, ordering: .releasing)
    }

    func contains(_ id: String) -> Bool { places[id] != nil }

    /// Appends the records whose id is new (and not repeated in `records`); returns how many,
    /// and the end offset the caller must see synced before acknowledging.
    func append(_ records: [ShardRecord]) throws(ShardStoreError) -> (added: Int, mustSync: Int) {
        var writer = BinaryWriter(capacity: records.reduce(0) { $0 + $1.payload.count + 64 })
        var added: [(String, Place)] = []
        var mustSync = 0
        var seen = Set<String>()
        for record in records {
            if let place = places[record.id] {
                mustSync = max(mustSync, place.offset + place.length)
                continue
            }
            guard seen.insert(record.id).inserted else { continue }
            let headerAt = writer.bytes.count
            writer.word32(0)
            writer.word32(0)
            let bodyAt = writer.bytes.count
            RecordCodec.write(record, into: &writer)
            let length = writer.bytes.count - bodyAt
            guard length <= Self.maximumRecord else { throw ShardStoreError("a record of \(length) bytes is larger than a log record may be (\(Self.maximumRecord))") }
            let checksum = writer.bytes.withUnsafeBufferPointer { Self.crc(UnsafeBufferPointer(rebasing: $0[bodyAt...])) }
            Self.put(UInt32(length), in: &writer.bytes, at: headerAt)
            Self.put(checksum, in: &writer.bytes, at: headerAt + 4)
            added.append((record.id, Place(key: record.key, offset: end + bodyAt, length: length)))
        }
        guard !added.isEmpty else { return (0, mustSync) }
        try write(writer.bytes)
        end += writer.bytes.count
        for (id, place) in added {
            order.append(id)
            places[id] = place
        }
        return (added.count, end)
    }

    /// Makes everything written so far durable: `fdatasync` (`fsync` where there is none).
    /// Safe to call while another thread appends.
    func syncToDisk() throws(ShardStoreError) {
        #if os(Linux)
        let result = fdatasync(descriptor)
        #else
        let result = fsync(descriptor)
        #endif
        guard result == 0 else { throw ShardStoreError("cannot sync \(path): \(String(cString: strerror(errno)))") }
    }

    func record(_ id: String) throws(ShardStoreError) -> ShardRecord? {
        guard let place = places[id] else { return nil }
        let body = try read(at: place.offset, count: place.length)
        var reader = BinaryReader(body)
        do {
            return try RecordCodec.read(&reader)
        } catch {
            throw ShardStoreError("\(path): the record '\(id)' at byte \(place.offset) does not read: \(error)")
        }
    }

    private func write(_ bytes: [UInt8]) throws(ShardStoreError) {
        var done = 0
        while done < bytes.count {
            let written = bytes.withUnsafeBytes { pwrite(descriptor, $0.baseAddress! + done, $0.count - done, off_t(end + done)) }
            if written < 0 {
                if errno == EINTR { continue }
                throw ShardStoreError("cannot write to \(path): \(String(cString: strerror(errno)))")
            }
            done += written
        }
    }

    private func read(at offset: Int, count: Int) throws(ShardStoreError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let got = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress! + done, count - done, off_t(offset + done)) }
            if got < 0 {
                if errno == EINTR { continue }
                throw ShardStoreError("cannot read \(path): \(String(cString: strerror(errno)))")
            }
            if got == 0 { throw ShardStoreError("\(path) ends at byte \(offset + done), before the record it indexes") }
            done += got
        }
        return bytes
    }

    private static func word(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24
    }

    private static func put(_ value: UInt32, in bytes: inout [UInt8], at offset: Int) {
        for index in 0..<4 { bytes[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * index)) }
    }

    static func crc(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        bytes.withUnsafeBufferPointer { crc($0) }
    }

    static func crc(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt32 {
        UInt32(crc32(0, bytes.baseAddress, UInt32(bytes.count)))
    }
}

private func closeFile(_ descriptor: Int32) -> Int32 {
    #if canImport(Glibc)
    Glibc.close(descriptor)
    #else
    Darwin.close(descriptor)
    #endif
}
