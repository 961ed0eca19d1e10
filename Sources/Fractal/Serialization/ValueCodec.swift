import Foundation

/// How arguments and results are turned into bytes on a serialising path: JSON, one value at a time.
enum ValueCodec {
    static func encode(_ value: any Encodable) throws -> [UInt8] {
        do {
            return Array(try JSONEncoder().encode(value))
        } catch {
            throw FractalError(.encodingFailed, "cannot encode a \(type(of: value)): \(error)")
        }
    }

    static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(bytes))
        } catch {
            throw FractalError(.decodingFailed, "cannot decode a \(T.self): \(error)")
        }
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
