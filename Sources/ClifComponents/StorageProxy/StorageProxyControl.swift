import Fractal

/// A storage proxy as its blade drives it.
@Interface("clif.StorageProxyControl")
public protocol StorageProxyControl: Sendable {
    /// Sends everything held to the storage now; returns how many events went.
    func flush() async throws -> Int
    /// Events held and not yet stored.
    func unsent() async throws -> Int
}
