/// Calls that travel as bytes through a ``CallChannel``.
final class RemoteEndpoint<S: Sendable>: Endpoint<S>, @unchecked Sendable {
    let target: String
    let signature: String
    let channel: any CallChannel
    let deadline: Duration?

    init(target: String, signature: String, channel: any CallChannel, deadline: Duration? = nil) {
        self.target = target
        self.signature = signature
        self.channel = channel
        self.deadline = deadline
        super.init()
    }

    override func perform<R: Codable & Sendable>(
        _ method: String,
        _ arguments: @autoclosure () -> [any Codable & Sendable],
        _ body: (S) async throws -> R
    ) async throws -> R {
        let encoded = try arguments().map { try ValueCodec.encode($0) }
        let request = CallRequest(target: target, signature: signature, method: method, arguments: encoded)
        let reply = try CallReply(decoding: try await channel.send(request.encoded(), deadline: deadline))
        switch reply {
        case .success(let bytes):
            return try ValueCodec.decode(R.self, from: bytes)
        case .failure:
            throw reply.error(at: target)!
        }
    }
}
