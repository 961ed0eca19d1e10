/// Byte-level string helpers for the loader's hot paths (Foundation's versions go through
/// NSString and cost more than the parsing around them).
extension StringProtocol {
    /// Without leading and trailing spaces, tabs and newlines.
    package var trimmedASCII: String {
        let text = String(self)
        let bytes = text.utf8
        guard let first = bytes.firstIndex(where: { !isASCIISpace($0) }),
              let last = bytes.lastIndex(where: { !isASCIISpace($0) }) else { return "" }
        return String(text[first...last])
    }

    /// True when the text contains `${`.
    package var containsSubstitution: Bool {
        var previous: UInt8 = 0
        for byte in utf8 {
            if previous == UInt8(ascii: "$") && byte == UInt8(ascii: "{") { return true }
            previous = byte
        }
        return false
    }
}

@inline(__always)
package func isASCIISpace(_ byte: UInt8) -> Bool {
    byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
}
