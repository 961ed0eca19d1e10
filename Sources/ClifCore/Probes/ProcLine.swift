/// One line of a ``ProcFile``: its bytes and, on demand, its fields (runs of bytes between spaces
/// and tabs), read as names or as counters.
struct ProcLine {
    let path: String
    /// 1-based, as an editor numbers lines.
    let number: Int
    let bytes: ArraySlice<UInt8>

    var isBlank: Bool { bytes.allSatisfy(Self.isSpace) }

    func hasPrefix(_ prefix: StaticString) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard bytes.count >= count else { return false }
        return prefix.withUTF8Buffer { prefix in
            var index = bytes.startIndex
            for byte in prefix {
                if bytes[index] != byte { return false }
                index += 1
            }
            return true
        }
    }

    /// The index of the first `byte` in the line, if there is one.
    func firstIndex(of byte: UInt8) -> Int? { bytes.firstIndex(of: byte) }

    /// The fields of the line, or of its bytes from `start` on.
    func fields(from start: Int? = nil) -> [Range<Int>] {
        var fields: [Range<Int>] = []
        var index = start ?? bytes.startIndex
        while index < bytes.endIndex {
            while index < bytes.endIndex, Self.isSpace(bytes[index]) { index += 1 }
            let fieldStart = index
            while index < bytes.endIndex, !Self.isSpace(bytes[index]) { index += 1 }
            if index > fieldStart { fields.append(fieldStart..<index) }
        }
        return fields
    }

    func text(_ range: Range<Int>) -> String {
        String(decoding: bytes[range], as: UTF8.self)
    }

    /// The field at `range` as an unsigned decimal counter; `what` names it in the error.
    func counter(_ range: Range<Int>, _ what: @autoclosure () -> String) throws(ProbeError) -> UInt64 {
        var value: UInt64 = 0
        for byte in bytes[range] {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else {
                throw malformed("\(what()) is not a counter: \"\(text(range))\"")
            }
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
            guard !overflow1, !overflow2 else { throw malformed("\(what()) is beyond 64 bits: \"\(text(range))\"") }
            value = sum
        }
        guard !range.isEmpty else { throw malformed("\(what()) is empty") }
        return value
    }

    /// An error about this line.
    func malformed(_ problem: String) -> ProbeError {
        .malformed(path: path, line: number, problem: problem)
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
    }
}
