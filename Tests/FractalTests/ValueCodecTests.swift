@testable import Fractal
import Testing

/// The encoding of values in call messages: a tag byte, then a binary body for common types,
/// JSON for the rest; a value of another form than expected is refused.
@Suite struct ValueCodecTests {
    struct Point: Codable, Sendable, Equatable {
        var x: Int
        var label: String?
    }

    @Test func commonTypesHaveATaggedBinaryForm() throws {
        #expect(try ValueCodec.encode([UInt8]([1, 2, 3])) == [0x62, 1, 2, 3])
        #expect(try ValueCodec.encode("hé") == [0x73, 0x68, 0xC3, 0xA9])
        #expect(try ValueCodec.encode(-2) == [0x69, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE])
        #expect(try ValueCodec.encode(true) == [0x74])
        #expect(try ValueCodec.encode(false) == [0x66])
        #expect(try ValueCodec.encode(Nothing()) == [0x6E])
        #expect(try ValueCodec.encode(1.5) == [0x64] + [0x3F, 0xF8, 0, 0, 0, 0, 0, 0])
    }

    @Test func valuesComeBackAsTheyWent() throws {
        #expect(try ValueCodec.decode([UInt8].self, from: ValueCodec.encode([UInt8](0...255))) == [UInt8](0...255))
        #expect(try ValueCodec.decode(String.self, from: ValueCodec.encode("")) == "")
        #expect(try ValueCodec.decode(String.self, from: ValueCodec.encode("a\u{0}b 🧩")) == "a\u{0}b 🧩")
        for integer in [0, 1, -1, Int.min, Int.max] {
            #expect(try ValueCodec.decode(Int.self, from: ValueCodec.encode(integer)) == integer)
        }
        for number in [0.0, -0.0, .pi, .infinity, -.greatestFiniteMagnitude] {
            #expect(try ValueCodec.decode(Double.self, from: ValueCodec.encode(number)).bitPattern == number.bitPattern)
        }
        #expect(try ValueCodec.decode(Double.self, from: ValueCodec.encode(Double.nan)).isNaN)
        #expect(try ValueCodec.decode(Bool.self, from: ValueCodec.encode(true)) == true)
        #expect(try ValueCodec.decode(Bool.self, from: ValueCodec.encode(false)) == false)
        #expect(try ValueCodec.decode(Nothing.self, from: ValueCodec.encode(Nothing())) == Nothing())
    }

    @Test func otherTypesAreTaggedJSON() throws {
        let point = Point(x: 3, label: nil)
        let bytes = try ValueCodec.encode(point)
        #expect(bytes.first == 0x6A)
        #expect(String(decoding: bytes.dropFirst(), as: UTF8.self) == #"{"x":3}"#)
        #expect(try ValueCodec.decode(Point.self, from: bytes) == point)
        // Optionals and arrays of common types go through JSON too.
        #expect(try ValueCodec.decode([String]?.self, from: ValueCodec.encode(["a"] as [String]?)) == ["a"])
        #expect(try ValueCodec.encode([1, 2] as [Int]).first == 0x6A)
    }

    /// An optional holding a value is not its value: it travels as JSON, and comes back as an
    /// optional.
    @Test func optionalsOfCommonTypesComeBackAsOptionals() throws {
        let string: String? = "x"
        #expect(try ValueCodec.encode(string).first == 0x6A)
        #expect(try ValueCodec.decode(String?.self, from: ValueCodec.encode(string)) == "x")
        #expect(try ValueCodec.decode(Int?.self, from: ValueCodec.encode(3 as Int?)) == 3)
        #expect(try ValueCodec.decode(Bool?.self, from: ValueCodec.encode(false as Bool?)) == false)
        #expect(try ValueCodec.decode([UInt8]?.self, from: ValueCodec.encode([1, 2] as [UInt8]?)) == [1, 2])
        #expect(try ValueCodec.decode(String?.self, from: ValueCodec.encode(nil as String?)) == nil)
        // Through an existential, as the dispatcher hands results over.
        let boxed: any Codable & Sendable = string
        #expect(try ValueCodec.decode(String?.self, from: ValueCodec.encode(boxed)) == "x")
    }

    @Test(arguments: [
        ([0x69] + [UInt8](repeating: 0, count: 8), "a value of form 'i' (9 bytes) where a String was expected"),
        ([], "an empty value where a String was expected"),
        ([0x01, 0x02], "a value of unknown form 0x1"),
        ([0x62, 0x61], "a value of form 'b' (2 bytes) where a String was expected"),
    ] as [([UInt8], String)])
    func aValueOfAnotherFormIsRefused(bytes: [UInt8], message: String) {
        #expect {
            _ = try ValueCodec.decode(String.self, from: bytes)
        } throws: { error in
            (error as? FractalError)?.kind == .decodingFailed && (error as? FractalError)?.message == message
        }
    }

    @Test(arguments: [
        [0x69, 0, 0, 0],
        [0x64] + [UInt8](repeating: 0, count: 9),
    ] as [[UInt8]])
    func aWordOfTheWrongSizeIsRefused(bytes: [UInt8]) {
        #expect(throws: FractalError.self) { try ValueCodec.decode(Int.self, from: bytes) }
        #expect(throws: FractalError.self) { try ValueCodec.decode(Double.self, from: bytes) }
    }

    @Test func aBooleanOrNothingWithABodyIsRefused() {
        #expect(throws: FractalError.self) { try ValueCodec.decode(Bool.self, from: [0x74, 0x00]) }
        #expect(throws: FractalError.self) { try ValueCodec.decode(Nothing.self, from: [0x6E, 0x00]) }
        #expect(throws: FractalError.self) { try ValueCodec.decode(Bool.self, from: [0x6E]) }
    }

    @Test func malformedJSONIsDecodingFailed() {
        #expect {
            _ = try ValueCodec.decode(Point.self, from: [0x6A] + Array("{\"x\":".utf8))
        } throws: { error in
            (error as? FractalError)?.kind == .decodingFailed
        }
    }
}
