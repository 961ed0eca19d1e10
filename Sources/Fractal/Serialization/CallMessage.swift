/// A call on a serialising path: which exported interface, which method, the arguments.
package struct CallRequest: Sendable, Hashable {
    /// The name the server side exported the interface under.
    package var target: String
    /// The signature the caller holds (the server dispatches with it).
    package var signature: String
    package var method: String
    package var arguments: [[UInt8]]

    static let version: UInt8 = 1

    /// What every request to `target` with `signature` starts with: the version, the target,
    /// the signature.
    static func header(target: String, signature: String) -> [UInt8] {
        var writer = WireWriter(capacity: 9 + target.utf8.count + signature.utf8.count)
        writer.write(version)
        writer.write(target)
        writer.write(signature)
        return writer.bytes
    }

    package func encoded() -> [UInt8] {
        var writer = WireWriter(capacity: 64 + arguments.reduce(0) { $0 + $1.count + 4 })
        writer.append(Self.header(target: target, signature: signature))
        writer.write(method)
        writer.write(UInt32(arguments.count))
        for argument in arguments { writer.write(bytes: argument) }
        return writer.bytes
    }

    package init(target: String, signature: String, method: String, arguments: [[UInt8]]) {
        self.target = target
        self.signature = signature
        self.method = method
        self.arguments = arguments
    }

    init(decoding bytes: [UInt8]) throws {
        var reader = WireReader(bytes)
        let version = try reader.readByte()
        guard version == Self.version else {
            throw FractalError(.decodingFailed, "call message version \(version); this node speaks \(Self.version)")
        }
        target = try reader.readString()
        signature = try reader.readString()
        method = try reader.readString()
        let count = Int(try reader.readUInt32())
        guard count <= 1024 else { throw FractalError(.decodingFailed, "a call message declares \(count) arguments") }
        arguments = try (0..<count).map { _ in try reader.readBytes() }
        guard reader.isAtEnd else { throw FractalError(.decodingFailed, "a call message has bytes after its last argument") }
    }
}

/// The answer to a ``CallRequest``: the encoded result, or the error the call threw.
package enum CallReply: Sendable, Hashable {
    case success([UInt8])
    case failure(kind: String, component: String?, interface: String?, message: String, node: String?)

    func encoded() -> [UInt8] {
        var writer = WireWriter()
        switch self {
        case .success(let bytes):
            writer.write(0 as UInt8)
            writer.write(bytes: bytes)
        case .failure(let kind, let component, let interface, let message, let node):
            writer.write(1 as UInt8)
            writer.write(kind)
            writer.write(component ?? "")
            writer.write(interface ?? "")
            writer.write(message)
            writer.write(node ?? "")
        }
        return writer.bytes
    }

    package init(decoding bytes: [UInt8]) throws {
        var reader = WireReader(bytes)
        switch try reader.readByte() {
        case 0:
            self = .success(try reader.readBytes())
        case 1:
            let kind = try reader.readString()
            let component = try reader.readString()
            let interface = try reader.readString()
            let message = try reader.readString()
            let node = try reader.readString()
            self = .failure(kind: kind, component: component.isEmpty ? nil : component,
                            interface: interface.isEmpty ? nil : interface, message: message, node: node.isEmpty ? nil : node)
        case let tag:
            throw FractalError(.decodingFailed, "unknown reply tag \(tag)")
        }
    }

    /// The result an encoded reply carries, decoded as `R`, or the error it carries, thrown
    /// with where it happened (`target` when the far side did not say).
    static func result<R: Decodable>(_ type: R.Type, from bytes: [UInt8], at target: String) throws -> R {
        var reader = WireReader(bytes)
        if try reader.readByte() == 0 {
            let result = try reader.readSlice()
            guard reader.isAtEnd else { throw FractalError(.decodingFailed, "a reply has bytes after its result") }
            return try ValueCodec.decode(R.self, from: result)
        }
        throw try CallReply(decoding: bytes).error(at: target)
            ?? FractalError(.decodingFailed, "a reply that is neither a success nor a failure")
    }

    /// The encoded success reply carrying `result`.
    static func success(encoding result: any Encodable) throws -> [UInt8] {
        var writer = WireWriter(capacity: 32)
        writer.write(0 as UInt8)
        try ValueCodec.encode(result, into: &writer)
        return writer.bytes
    }

    /// The reply for a call that threw `error` in `interface` of `component` on node `node`.
    /// An error that came from a node further away keeps where it happened there.
    static func failure(_ error: any Error, component: String?, interface: String?, node: String?) -> CallReply {
        if let fractal = error as? FractalError {
            let far = fractal.node != nil
            return .failure(kind: fractal.kind.rawValue, component: far ? fractal.component : fractal.component ?? component,
                            interface: far ? fractal.interface : fractal.interface ?? interface, message: fractal.message,
                            node: fractal.node ?? node)
        }
        return .failure(kind: FractalError.Kind.remoteFailure.rawValue, component: component, interface: interface,
                        message: "\(type(of: error)): \(error)", node: node)
    }

    /// The error a caller sees, with where it happened on the far side.
    package func error(at target: String) -> FractalError? {
        guard case .failure(let kind, let component, let interface, let message, let node) = self else { return nil }
        return FractalError(FractalError.Kind(rawValue: kind) ?? .remoteFailure, node: node,
                            component: component ?? (node == nil ? target : nil), interface: interface, message)
    }
}
