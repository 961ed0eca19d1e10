/// Calls that travel as bytes through a ``CallChannel``.
final class RemoteEndpoint<S: Sendable>: Endpoint<S>, @unchecked Sendable {
    let target: String
    let signature: String
    let channel: any CallChannel
    let deadline: Duration?
    /// The start of every request through this endpoint (see ``CallRequest``): made once.
    private let header: [UInt8]

    init(target: String, signature: String, channel: any CallChannel, deadline: Duration? = nil) {
        self.target = target
        self.signature = signature
        self.channel = channel
        self.deadline = deadline
        header = CallRequest.header(target: target, signature: signature)
        super.init()
    }

    override func perform<R: Codable & Sendable>(
        _ method: String,
        _ arguments: @autoclosure () -> [any Codable & Sendable],
        _ body: (S) async throws -> R
    ) async throws -> R {
        // Written straight into one buffer: the same bytes as `CallRequest.encoded()`.
        let values = arguments()
        var request = WireWriter(capacity: header.count + method.utf8.count + 8 + values.count * 24)
        request.append(header)
        request.write(method)
        request.write(UInt32(values.count))
        for value in values { try ValueCodec.encode(value, into: &request) }
        return try CallReply.result(R.self, from: try await channel.send(request.bytes, deadline: deadline), at: target)
    }
}
