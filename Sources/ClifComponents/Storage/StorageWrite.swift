import ClifCore
import Fractal

/// Where a test's results go: blades' storage proxies send batches, the supervisor records
/// the lifecycle. An interface, so that a replicated store can take the file store's place.
@Interface("clif.StorageWrite")
public protocol StorageWrite: Sendable {
    /// Stores a batch of blade `blade`'s events.
    func store(_ blade: String, _ batch: EventBatch) async throws
}
