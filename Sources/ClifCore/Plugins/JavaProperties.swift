/// Java's `.properties` format, as `java.util.Properties.load` reads it: `key=value`, `key:value`
/// or `key value`; `#` and `!` comments; backslash escapes (`\=`, `\:`, `\t`, `\n`, `\uXXXX`);
/// a trailing backslash continues the line; CRLF or LF line ends; the last line may lack one.
public enum JavaProperties {
    /// The pairs in file order (a key written twice appears twice; the last one wins in a map).
    public static func parse(_ text: String) -> [(key: String, value: String)] {
        parseLocated(text).map { ($0.key, $0.value) }
    }

    /// A pair and where its key starts (1-based line and column).
    public struct Entry: Sendable, Hashable {
        public var key: String
        public var value: String
        public var line: Int
        public var column: Int
    }

    /// The pairs in file order, each with the position of its key, for located errors.
    public static func parseLocated(_ text: String) -> [Entry] {
        var pairs: [Entry] = []
        var logical = ""
        var continuing = false
        var lineNumber = 0
        var start = (line: 0, column: 0)
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
            lineNumber += 1
            var line = Substring(rawLine)
            if continuing {
                line = line.drop { $0 == " " || $0 == "\t" || $0 == "\u{0C}" }
            } else {
                line = line.drop { $0 == " " || $0 == "\t" || $0 == "\u{0C}" }
                if line.isEmpty || line.first == "#" || line.first == "!" { continue }
                start = (lineNumber, rawLine.distance(from: rawLine.startIndex, to: line.startIndex) + 1)
            }
            // An odd number of trailing backslashes continues the line.
            let trailing = line.reversed().prefix { $0 == "\\" }.count
            if trailing % 2 == 1 {
                logical += line.dropLast()
                continuing = true
                continue
            }
            logical += line
            continuing = false
            let (key, value) = split(logical)
            pairs.append(Entry(key: key, value: value, line: start.line, column: start.column))
            logical = ""
        }
        if continuing, !logical.isEmpty {
            let (key, value) = split(logical)
            pairs.append(Entry(key: key, value: value, line: start.line, column: start.column))
        }
        return pairs
    }

    private static func split(_ line: String) -> (String, String) {
        var key = ""
        var index = line.startIndex
        var escaped = false
        while index < line.endIndex {
            let character = line[index]
            if escaped {
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "=" || character == ":" || character == " " || character == "\t" {
                break
            }
            index = line.index(after: index)
        }
        key = String(line[..<index])
        var rest = line[index...].drop { $0 == " " || $0 == "\t" }
        if let first = rest.first, first == "=" || first == ":" {
            rest = rest.dropFirst().drop { $0 == " " || $0 == "\t" }
        }
        return (unescape(key), unescape(String(rest)))
    }

    /// Resolves backslash escapes.
    public static func unescape(_ text: String) -> String {
        guard text.contains("\\") else { return text }
        var result = ""
        var iterator = text.makeIterator()
        while let character = iterator.next() {
            guard character == "\\" else { result.append(character); continue }
            guard let next = iterator.next() else { break }
            switch next {
            case "t": result.append("\t")
            case "n": result.append("\n")
            case "r": result.append("\r")
            case "f": result.append("\u{0C}")
            case "u":
                var hex = ""
                for _ in 0..<4 { if let digit = iterator.next() { hex.append(digit) } }
                if let code = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(code) { result.unicodeScalars.append(scalar) } else { result += "\\u" + hex }
            default: result.append(next)
            }
        }
        return result
    }
}
