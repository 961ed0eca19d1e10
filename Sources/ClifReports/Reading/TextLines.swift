/// The lines of a file's text, numbered from 1: LF or CRLF ends, a last line without one, and
/// invalid UTF-8 replaced (a report file is never refused for its encoding).
struct TextLines: Sequence {
    let text: String

    init(_ bytes: [UInt8]) {
        text = String(decoding: bytes, as: UTF8.self)
    }

    struct Iterator: IteratorProtocol {
        var lines: IndexingIterator<[Substring.UTF8View]>
        var number = 0

        mutating func next() -> (number: Int, text: Substring)? {
            guard let bytes = lines.next() else { return nil }
            number += 1
            var line = Substring(bytes)
            if line.utf8.last == UInt8(ascii: "\r") { line = Substring(line.utf8.dropLast()) }
            return (number, line)
        }
    }

    func makeIterator() -> Iterator {
        var lines = text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        // A final newline ends the last line; it does not start an empty one.
        if lines.last?.isEmpty == true { lines.removeLast() }
        return Iterator(lines: lines.makeIterator())
    }
}
