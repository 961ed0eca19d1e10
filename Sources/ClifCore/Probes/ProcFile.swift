#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A `/proc` file read whole in one go (procfs builds its text at the read: reading it in one
/// pass gives one consistent snapshot), then looked at line by line.
///
/// Fields are split only for the lines a sampler asks about: `/proc/stat`'s `intr` line has
/// hundreds of fields that no probe reads.
struct ProcFile {
    let path: String
    let bytes: [UInt8]

    /// Reads `path` to its end.
    init(contentsOf path: String) throws(ProbeError) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .unreadable(path: path, reason: Self.errorText()) }
        defer { close(descriptor) }
        // Nearly every file fits in the first chunk; /proc/stat on a machine with many cores may not.
        var chunkSize = 16_384
        var bytes: [UInt8] = []
        while true {
            var failure: Int32 = 0
            let chunk = [UInt8](unsafeUninitializedCapacity: chunkSize) { buffer, count in
                count = 0
                while count < chunkSize {
                    let got = read(descriptor, buffer.baseAddress! + count, chunkSize - count)
                    if got > 0 {
                        count += got
                    } else if got == 0 {
                        return
                    } else if errno != EINTR {
                        failure = errno
                        return
                    }
                }
            }
            if failure != 0 { throw .unreadable(path: path, reason: Self.errorText(failure)) }
            if bytes.isEmpty { bytes = chunk } else { bytes += chunk }
            if chunk.count < chunkSize { break }
            chunkSize = min(chunkSize * 4, 1 << 22)
        }
        self.init(path: path, bytes: bytes)
    }

    init(path: String, bytes: [UInt8]) {
        self.path = path
        self.bytes = bytes
    }

    /// Calls `body` with each line that is not blank, in order.
    func forEachLine(_ body: (ProcLine) throws(ProbeError) -> Void) throws(ProbeError) {
        var start = bytes.startIndex
        var number = 1
        while start < bytes.endIndex {
            var end = start
            while end < bytes.endIndex, bytes[end] != UInt8(ascii: "\n") { end += 1 }
            let line = ProcLine(path: path, number: number, bytes: bytes[start..<end])
            if !line.isBlank { try body(line) }
            start = end + 1
            number += 1
        }
    }

    private static func errorText(_ code: Int32 = errno) -> String {
        String(cString: strerror(code))
    }
}
