/// Finds where each start tag and each of its attributes begins in a document's text.
///
/// libxml2 keeps only the line of an element; errors must also give a column, and the column of
/// the attribute at fault. Start tags appear in the text in document order, so scanning the text
/// once, skipping comments, processing instructions, CDATA sections and the DOCTYPE (with its
/// internal subset), yields the positions of the elements in the order a tree walk visits them.
struct TagScanner {
    struct Tag: Equatable {
        var name: String
        var line: Int
        var column: Int
        var attributes: [String: (line: Int, column: Int)]

        static func == (lhs: Tag, rhs: Tag) -> Bool {
            lhs.name == rhs.name && lhs.line == rhs.line && lhs.column == rhs.column
        }
    }

    private let text: [Unicode.Scalar]
    private var index = 0
    private var line = 1
    private var column = 1

    init(_ text: String) {
        self.text = Array(text.unicodeScalars)
    }

    /// XML's white space: space, tab, carriage return, line feed.
    @inline(__always)
    static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r"
    }

    static func tags(in text: String) -> [Tag] {
        var scanner = TagScanner(text)
        return scanner.scan()
    }

    private mutating func scan() -> [Tag] {
        var tags: [Tag] = []
        while index < text.count {
            guard text[index] == "<" else {
                advance()
                continue
            }
            if starts(with: "<!--") {
                skip(past: "-->")
            } else if starts(with: "<![CDATA[") {
                skip(past: "]]>")
            } else if starts(with: "<?") {
                skip(past: "?>")
            } else if starts(with: "<!") {
                skipDeclaration()
            } else if starts(with: "</") {
                skip(past: ">")
            } else {
                tags.append(startTag())
            }
        }
        return tags
    }

    private mutating func startTag() -> Tag {
        let (tagLine, tagColumn) = (line, column)
        advance()
        let name = readName()
        var attributes: [String: (line: Int, column: Int)] = [:]
        while index < text.count {
            let scalar = text[index]
            if scalar == ">" {
                advance()
                break
            }
            if scalar == "/" || Self.isSpace(scalar) {
                advance()
                continue
            }
            let (attributeLine, attributeColumn) = (line, column)
            let attribute = readName()
            if attribute.isEmpty {
                advance()
                continue
            }
            if attributes[attribute] == nil { attributes[attribute] = (attributeLine, attributeColumn) }
            skipValue()
        }
        return Tag(name: name, line: tagLine, column: tagColumn, attributes: attributes)
    }

    private mutating func readName() -> String {
        var name = ""
        while index < text.count {
            let scalar = text[index]
            if Self.isSpace(scalar) || scalar == "=" || scalar == ">" || scalar == "/" || scalar == "\"" || scalar == "'" { break }
            name.unicodeScalars.append(scalar)
            advance()
        }
        return name
    }

    /// Skips `= "value"` (quotes may hold `>`).
    private mutating func skipValue() {
        while index < text.count, Self.isSpace(text[index]) { advance() }
        guard index < text.count, text[index] == "=" else { return }
        advance()
        while index < text.count, Self.isSpace(text[index]) { advance() }
        guard index < text.count else { return }
        let quote = text[index]
        guard quote == "\"" || quote == "'" else { return }
        advance()
        while index < text.count, text[index] != quote { advance() }
        if index < text.count { advance() }
    }

    /// Skips `<!DOCTYPE …>` or another declaration, with a bracketed internal subset.
    private mutating func skipDeclaration() {
        var depth = 0
        var quote: Unicode.Scalar?
        while index < text.count {
            let scalar = text[index]
            advance()
            if let open = quote {
                if scalar == open { quote = nil }
                continue
            }
            switch scalar {
            case "\"", "'": quote = scalar
            case "[": depth += 1
            case "]": depth -= 1
            case ">" where depth <= 0: return
            default: break
            }
        }
    }

    private func starts(with prefix: String) -> Bool {
        var offset = index
        for scalar in prefix.unicodeScalars {
            guard offset < text.count, text[offset] == scalar else { return false }
            offset += 1
        }
        return true
    }

    private mutating func skip(past terminator: String) {
        while index < text.count {
            if starts(with: terminator) {
                for _ in terminator.unicodeScalars { advance() }
                return
            }
            advance()
        }
    }

    private mutating func advance() {
        if text[index] == "\n" {
            line += 1
            column = 1
        } else {
            column += 1
        }
        index += 1
    }
}
