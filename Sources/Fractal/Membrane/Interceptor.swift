/// A step of a server interface's interceptor chain, in the membrane of its component.
///
/// Interceptors run in the order they were added: code before `proceed()` runs first-to-last,
/// code after it last-to-first, as in a middleware chain. They see local and remote calls
/// alike, after the lifecycle gate has admitted the call.
public protocol Interceptor: Sendable {
    /// Handles one call. Call `proceed` (at most once) to go on along the chain; its result is
    /// the method's (``Nothing`` for a `Void` method). Throwing fails the call.
    func intercept(
        _ invocation: Invocation,
        proceed: () async throws -> any Sendable
    ) async throws -> any Sendable
}
