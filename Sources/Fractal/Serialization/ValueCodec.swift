import Foundation

/// How arguments and results are turned into bytes on a serialising path, one value at a time.
///
/// Every value starts with a tag byte naming its form. The types calls carry most have a
/// binary form: `[UInt8]` (`b`, the bytes), `String` (`s`, UTF-8), `Int` (`i`, 8 bytes
/// big-endian), `Double` (`d`, its bit pattern, 8 bytes), `Bool` (`t` or `f`, nothing more) and
/// `Nothing` (`n`). Everything else is JSON (`j`). A value whose tag is not the one its type
/// expects is refused, so a caller with a different idea of a method's types gets
/// `decodingFailed`, not a wrong value.
enum ValueCodec {
    private enum Tag: UInt8 {
        case bytes = 0x62, string = 0x73, integer = 0x69, double = 0x64, yes = 0x74, no = 0x66, nothing = 0x6E, json = 0x6A
    }

    static func encode(_ value: any Encodable) throws -> [UInt8] {
        var writer = WireWriter(capacity: 16)
        try encode(value, into: &writer, lengthPrefixed: false)
        return writer.bytes
    }

    /// Appends `value` to `writer` as a byte string (its length, then its tag and body): how
    /// call messages carry arguments and results.
    static func encode(_ value: any Encodable, into writer: inout WireWriter) throws {
        try encode(value, into: &writer, lengthPrefixed: true)
    }

    private static func encode(_ value: any Encodable, into writer: inout WireWriter, lengthPrefixed: Bool) throws {
        func put(_ tag: Tag, _ body: some Collection<UInt8>) {
            if lengthPrefixed { writer.write(UInt32(1 + body.count)) }
            writer.write(tag.rawValue)
            writer.append(body)
        }
        func put(_ tag: Tag, word: UInt64) {
            withUnsafeBytes(of: word.bigEndian) { put(tag, $0) }
        }
        // By exact type, not by cast: a cast would also take an `Optional<String>` holding a
        // string for a `String`, which the other side decodes as an optional, from JSON.
        let type = Swift.type(of: value)
        if type == [UInt8].self { return put(.bytes, value as! [UInt8]) }
        if type == String.self { return put(.string, (value as! String).utf8) }
        if type == Int.self { return put(.integer, word: UInt64(bitPattern: Int64(value as! Int))) }
        if type == Double.self { return put(.double, word: (value as! Double).bitPattern) }
        if type == Bool.self { return put((value as! Bool) ? .yes : .no, EmptyCollection()) }
        if type == Nothing.self { return put(.nothing, EmptyCollection()) }
        do {
            put(.json, try JSONEncoder().encode(value))
        } catch {
            throw FractalError(.encodingFailed, "cannot encode a \(type): \(error)")
        }
    }

    static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        try decode(T.self, from: bytes[...])
    }

    static func decode<T: Decodable>(_ type: T.Type, from bytes: ArraySlice<UInt8>) throws -> T {
        guard let first = bytes.first, let tag = Tag(rawValue: first) else {
            throw FractalError(.decodingFailed, bytes.isEmpty ? "an empty value where a \(T.self) was expected"
                                                             : "a value of unknown form 0x\(String(bytes[bytes.startIndex], radix: 16))")
        }
        let body = bytes.dropFirst()
        switch tag {
        case .bytes where T.self == [UInt8].self:
            return Array(body) as! T
        case .string where T.self == String.self:
            return String(decoding: body, as: UTF8.self) as! T
        case .integer where T.self == Int.self:
            return Int(Int64(bitPattern: try word(body, T.self))) as! T
        case .double where T.self == Double.self:
            return Double(bitPattern: try word(body, T.self)) as! T
        case .yes where T.self == Bool.self && body.isEmpty, .no where T.self == Bool.self && body.isEmpty:
            return (tag == .yes) as! T
        case .nothing where T.self == Nothing.self && body.isEmpty:
            return Nothing() as! T
        case .json:
            do {
                return try JSONDecoder().decode(T.self, from: Data(body))
            } catch {
                throw FractalError(.decodingFailed, "cannot decode a \(T.self): \(error)")
            }
        default:
            throw FractalError(.decodingFailed, "a value of form '\(Character(Unicode.Scalar(tag.rawValue)))' (\(bytes.count) bytes) where a \(T.self) was expected")
        }
    }

    private static func word<T>(_ body: ArraySlice<UInt8>, _ type: T.Type) throws -> UInt64 {
        guard body.count == 8 else {
            throw FractalError(.decodingFailed, "cannot decode a \(T.self) from \(body.count) bytes")
        }
        return body.reduce(0) { $0 << 8 | UInt64($1) }
    }
}

/// The arguments of a received call, decoded one by one as the dispatcher asks for them.
public struct DataArgumentDecoder: ArgumentDecoder {
    let items: [[UInt8]]
    var index = 0

    init(_ items: [[UInt8]]) { self.items = items }

    public mutating func next<T: Decodable>(_ type: T.Type) throws -> T {
        guard index < items.count else {
            throw FractalError(.decodingFailed, "the call carries \(items.count) arguments; the method needs more")
        }
        defer { index += 1 }
        return try ValueCodec.decode(T.self, from: items[index])
    }
}
