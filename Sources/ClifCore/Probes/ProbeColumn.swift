/// One numeric column of a probe's event type: its label in the file's header, and how many
/// decimals its values are written with.
public struct ProbeColumn: Sendable, Hashable {
    /// The label, as the header line writes it (`%busy`, `eth0 bytes in/s`). Never holds a comma.
    public var label: String
    /// At most this many decimals; trailing zeros are not written (`12.5`, `12`, never `12.50`).
    public var fractionDigits: Int

    public init(_ label: String, fractionDigits: Int) {
        self.label = label.replacingCommas()
        self.fractionDigits = max(0, min(fractionDigits, 9))
    }

    /// `value` rounded to ``fractionDigits`` decimals, without needless ones: `3.25`, `3.2`, `3`,
    /// `0`; never `-0`, and no exponent below 9×10¹⁸ units of the last decimal. A value that is
    /// not finite is written `0`.
    public func format(_ value: Double) -> String {
        var scale = 1.0
        for _ in 0..<fractionDigits { scale *= 10 }
        let scaled = (value * scale).rounded()
        guard scaled.isFinite else { return "0" }
        // Beyond what an Int64 holds (never a real counter's rate), Swift's own spelling.
        guard abs(scaled) < 9.0e18 else { return String(describing: value.rounded()) }
        let units = Int64(scaled)
        if units == 0 { return "0" }
        var digits = Array(String(abs(units)).utf8)
        if fractionDigits > 0 {
            let zero = UInt8(ascii: "0")
            if digits.count <= fractionDigits {
                digits.insert(contentsOf: repeatElement(zero, count: fractionDigits + 1 - digits.count), at: 0)
            }
            let point = digits.count - fractionDigits
            var end = digits.count
            while end > point, digits[end - 1] == zero { end -= 1 }
            digits = end == point ? Array(digits[..<point]) : Array(digits[..<point]) + [UInt8(ascii: ".")] + Array(digits[point..<end])
        }
        return (units < 0 ? "-" : "") + String(decoding: digits, as: UTF8.self)
    }
}
