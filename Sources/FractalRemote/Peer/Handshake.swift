/// The hello frame: protocol version and node name.
struct Hello: Sendable, Equatable {
    static let protocolVersion: UInt16 = 2

    var version: UInt16
    var node: String

    func encoded() -> [UInt8] {
        var bytes: [UInt8] = [UInt8(version >> 8), UInt8(version & 0xFF)]
        bytes.append(contentsOf: Array(node.utf8))
        return bytes
    }

    init(version: UInt16 = Hello.protocolVersion, node: String) {
        self.version = version
        self.node = node
    }

    init(decoding bytes: [UInt8]) throws {
        guard bytes.count >= 2 else { throw RemoteError(.handshakeFailed, "a hello frame of \(bytes.count) bytes") }
        version = UInt16(bytes[0]) << 8 | UInt16(bytes[1])
        node = String(decoding: bytes[2...], as: UTF8.self)
        guard !node.isEmpty, node.count <= 256 else { throw RemoteError(.handshakeFailed, "a hello frame names no valid node") }
    }
}
