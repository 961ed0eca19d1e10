/// What a sample reports about the call it made; the engine adds the session, the iteration
/// and the times it did not measure itself.
public struct SampleResult: Sendable {
    /// The action type, the key of the statistics (`GET`, `dummy action`).
    public var type: String
    public var success: Bool
    public var comment: String
    /// What came back (a status, a value), or nil (written `null`).
    public var result: String?
    /// Why a failed call failed, for the error counts (`refused`, `timeout`, `status 503`).
    public var failure: String?
    /// When the call was sent and when it completed, on the engine's clock (nanoseconds).
    /// Nil: the engine takes the times around the sample's call.
    public var sent: Int64?
    public var completed: Int64?
    /// A duration the plug-in decided itself (Common's `log`), in nanoseconds: it replaces
    /// the measured one.
    public var declaredDuration: Int64?
    /// The call was cut by the end of the test: it is not counted.
    public var interrupted: Bool

    public init(type: String, success: Bool = true, comment: String = "", result: String? = nil, failure: String? = nil,
                sent: Int64? = nil, completed: Int64? = nil, declaredDuration: Int64? = nil, interrupted: Bool = false) {
        self.type = type
        self.success = success
        self.comment = comment
        self.result = result
        self.failure = success ? nil : (failure ?? "failed")
        self.sent = sent
        self.completed = completed
        self.declaredDuration = declaredDuration
        self.interrupted = interrupted
    }

    public static func failed(_ type: String, _ failure: String, comment: String = "", result: String? = nil, sent: Int64? = nil, completed: Int64? = nil) -> SampleResult {
        SampleResult(type: type, success: false, comment: comment, result: result ?? failure, failure: failure, sent: sent, completed: completed)
    }
}
