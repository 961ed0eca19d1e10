/// Text made safe for XML and HTML: `&`, `<`, `>`, `"` and `'` as entities, line breaks and
/// tabs kept (as character references in attributes), and the characters XML 1.0 forbids
/// (other control characters, lone surrogates' replacements, U+FFFE/U+FFFF) replaced by U+FFFD.
public enum MarkupEscaping {
    /// For element content.
    public static func text(_ value: String) -> String { escape(value, attribute: false) }

    /// For an attribute value between double quotes.
    public static func attribute(_ value: String) -> String { escape(value, attribute: true) }

    private static func escape(_ value: String, attribute: Bool) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\n": out += attribute ? "&#10;" : "\n"
            case "\r": out += attribute ? "&#13;" : "\n"
            case "\t": out += attribute ? "&#9;" : "\t"
            default:
                let value = scalar.value
                if value < 0x20 || value == 0x7F || (0x80...0x9F).contains(value) || value == 0xFFFE || value == 0xFFFF {
                    out += "\u{FFFD}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}
