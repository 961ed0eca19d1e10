/// Carries encoded calls to the side that serves them and brings the replies back.
///
/// The in-memory ``LoopbackChannel`` serves from an ``ExportTable`` in the same process, through
/// the same encoding a network transport uses; network transports implement this protocol too.
public protocol CallChannel: Sendable {
    /// Sends one encoded ``CallRequest`` and returns the encoded ``CallReply``.
    func send(_ request: [UInt8]) async throws -> [UInt8]
    /// The same, failing when no reply comes within `deadline` (the channel's own default when nil).
    func send(_ request: [UInt8], deadline: Duration?) async throws -> [UInt8]
}

extension CallChannel {
    public func send(_ request: [UInt8], deadline: Duration?) async throws -> [UInt8] {
        try await send(request)
    }
}

/// A channel to an ``ExportTable`` in this process: every call is encoded, decoded, served and
/// its reply encoded and decoded, exactly as across a network, minus the network.
public struct LoopbackChannel: CallChannel {
    public let exports: ExportTable

    public init(_ exports: ExportTable) {
        self.exports = exports
    }

    public func send(_ request: [UInt8]) async throws -> [UInt8] {
        await exports.handle(request)
    }
}

/// A proxy, typed as an interface protocol, whose calls go through `channel` to the interface
/// exported as `name` on the other side.
///
/// - Parameter signature: the protocol existential, such as `(any Service).self`.
public func remoteProxy<S: Sendable>(
    _ signature: S.Type, exportedAs name: String, over channel: any CallChannel, registry: Registry = .shared
) throws -> S {
    guard let known = registry.signature(for: S.self) else {
        throw FractalError(.unknownSignature, interface: name, "\(S.self) is not a registered @Interface protocol")
    }
    return try known.makeProxy(to: RemoteTarget(name: name, signature: known.name, channel: channel), origin: .local) as! S
}

/// A server interface on the far side of a channel, as a binding target.
struct RemoteTarget: EndpointSource {
    let name: String
    let signature: String
    let channel: any CallChannel
    var deadline: Duration? = nil

    func endpoint<S: Sendable>(_ signature: S.Type, origin: CallOrigin) throws -> Endpoint<S> {
        RemoteEndpoint(target: name, signature: self.signature, channel: channel, deadline: deadline)
    }
}

/// A server interface on another node, as a binding target: the channel that reaches its node,
/// the name it is exported under there, and its signature.
public struct RemoteReference: Sendable, Hashable, CustomStringConvertible {
    public let channel: any CallChannel
    public let export: String
    public let signature: String
    /// How people see it: `node:/Path/component#interface`.
    public let description: String
    /// How long each call through this binding waits for its reply; the channel's default when nil.
    public let deadline: Duration?

    /// The server's component name and interface (`component#interface`), without its node
    /// or the composites above it: what a multicast ranks it by, so that every client, on
    /// whatever node (where a hosted component's path may start lower), ranks a set of
    /// servers alike.
    public var placementName: String {
        let path = description.range(of: ":/").map { String(description[description.index(after: $0.lowerBound)...]) } ?? description
        return path.split(separator: "/").last.map(String.init) ?? path
    }

    public init(channel: any CallChannel, export: String, signature: String, description: String, deadline: Duration? = nil) {
        self.channel = channel
        self.export = export
        self.signature = signature
        self.description = description
        self.deadline = deadline
    }

    var target: RemoteTarget { RemoteTarget(name: export, signature: signature, channel: channel, deadline: deadline) }

    public static func == (lhs: RemoteReference, rhs: RemoteReference) -> Bool { lhs.description == rhs.description }
    public func hash(into hasher: inout Hasher) { hasher.combine(description) }
}
