/// A bound on what entity references may add to a document, checked on its text before
/// libxml2 expands anything.
///
/// libxml2 refuses entities that nest into loops, but not flat amplification: one internal
/// entity of a few kilobytes referenced thousands of times in attribute values makes a 70 KB
/// file expand to hundreds of megabytes. The budget adds up, for every reference to an
/// internal entity in the document (including those inside other entities' values), the length
/// of its full expansion; a document over the budget is refused at the reference that crosses
/// it.
package enum EntityBudget {
    /// What entity references may add in all: 1 MiB, plus 8 bytes per byte of the file.
    package static func limit(forFileOf length: Int) -> Int { 1 << 20 + 8 * length }

    /// A located error when `text`'s internal entities expand beyond the budget.
    package static func check(_ text: String, file: String) -> Diagnostic? {
        // Most files declare no entity: leave them before copying their text.
        guard text.contains("<!ENTITY") else { return nil }
        let scalars = Array(text.unicodeScalars)
        guard let subset = internalSubset(scalars) else { return nil }
        let entities = declarations(scalars[subset])
        guard !entities.isEmpty else { return nil }
        var memo: [String: Int] = [:]
        func expanded(_ name: String, _ visiting: inout Set<String>) -> Int {
            if let known = memo[name] { return known }
            guard let value = entities[name], visiting.insert(name).inserted else { return 0 } // loops: libxml2's to report
            var length = 0
            for reference in references(in: value[...], known: entities) {
                length = length.addingReportingOverflow(expanded(reference.name, &visiting)).partialValue
                if length < 0 { length = .max }
            }
            length = min(Int.max / 2, length + value.count)
            visiting.remove(name)
            memo[name] = length
            return length
        }
        let limit = limit(forFileOf: text.utf8.count)
        var total = 0
        for reference in references(in: scalars[subset.upperBound...], known: entities) {
            var visiting = Set<String>()
            total = min(Int.max / 2, total + expanded(reference.name, &visiting))
            if total > limit {
                let (line, column) = position(of: reference.offset, in: scalars)
                return Diagnostic(at: SourceLocation(file: file, line: line, column: column),
                                  "entity references expand to more than \(limit) characters by here (the limit: 1 MiB plus 8 per byte of the file); write the text out, or use fewer references to '\(reference.name)'")
            }
        }
        return nil
    }

    /// The range of the DOCTYPE's internal subset (between `[` and `]`), if it has one.
    private static func internalSubset(_ scalars: [Unicode.Scalar]) -> Range<Int>? {
        let doctype = Array("<!DOCTYPE".unicodeScalars)
        guard let start = firstIndex(of: doctype, in: scalars[...], from: 0),
              let open = firstUnquoted(in: scalars, from: start + doctype.count, of: ["[", ">"]), scalars[open] == "[" else { return nil }
        return (open + 1)..<(firstUnquoted(in: scalars, from: open + 1, of: ["]"]) ?? scalars.count)
    }

    /// The first of `stops` from `start` that is not inside a quoted string.
    private static func firstUnquoted(in scalars: [Unicode.Scalar], from start: Int, of stops: Set<Unicode.Scalar>) -> Int? {
        var quote: Unicode.Scalar?
        for index in start..<max(start, scalars.count) {
            let scalar = scalars[index]
            if let open = quote {
                if scalar == open { quote = nil }
            } else if scalar == "\"" || scalar == "'" {
                quote = scalar
            } else if stops.contains(scalar) {
                return index
            }
        }
        return nil
    }

    /// `<!ENTITY name "value">` (general, internal) declarations: name → value.
    private static func declarations(_ subset: ArraySlice<Unicode.Scalar>) -> [String: [Unicode.Scalar]] {
        let keyword = Array("<!ENTITY".unicodeScalars)
        var entities: [String: [Unicode.Scalar]] = [:]
        var index = subset.startIndex
        while let found = firstIndex(of: keyword, in: subset, from: index) {
            index = found + keyword.count
            while index < subset.endIndex, subset[index].properties.isWhitespace { index += 1 }
            // A parameter entity (`%`) only serves the DTD.
            guard index < subset.endIndex, subset[index] != "%" else { continue }
            let nameStart = index
            while index < subset.endIndex, !subset[index].properties.isWhitespace { index += 1 }
            let name = String(String.UnicodeScalarView(subset[nameStart..<index]))
            while index < subset.endIndex, subset[index].properties.isWhitespace { index += 1 }
            // SYSTEM or PUBLIC: external, never loaded.
            guard index < subset.endIndex, subset[index] == "\"" || subset[index] == "'" else { continue }
            let quote = subset[index]
            let valueStart = index + 1
            index = valueStart
            while index < subset.endIndex, subset[index] != quote { index += 1 }
            if entities[name] == nil { entities[name] = Array(subset[valueStart..<index]) } // the first declaration wins, as in XML
            index += 1
        }
        return entities
    }

    /// References `&name;` to the `known` entities, with their offsets.
    private static func references(in text: ArraySlice<Unicode.Scalar>, known: [String: [Unicode.Scalar]]) -> [(name: String, offset: Int)] {
        var found: [(name: String, offset: Int)] = []
        var index = text.startIndex
        while index < text.endIndex {
            guard text[index] == "&" else {
                index += 1
                continue
            }
            var end = index + 1
            while end < text.endIndex, end - index <= 256, text[end] != ";", !text[end].properties.isWhitespace, text[end] != "&" { end += 1 }
            if end < text.endIndex, text[end] == ";" {
                let name = String(String.UnicodeScalarView(text[(index + 1)..<end]))
                if known[name] != nil { found.append((name, index)) }
            }
            index = end
        }
        return found
    }

    private static func firstIndex(of needle: [Unicode.Scalar], in haystack: ArraySlice<Unicode.Scalar>, from start: Int) -> Int? {
        guard !needle.isEmpty, haystack.endIndex - start >= needle.count else { return nil }
        var index = start
        while index <= haystack.endIndex - needle.count {
            if haystack[index] == needle[0], haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }

    private static func position(of offset: Int, in scalars: [Unicode.Scalar]) -> (line: Int, column: Int) {
        var line = 1
        var lineStart = 0
        for index in 0..<offset where scalars[index] == "\n" {
            line += 1
            lineStart = index + 1
        }
        return (line, offset - lineStart + 1)
    }
}
