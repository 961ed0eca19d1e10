import ClifCore
import Fractal

/// Where a test's results go: blades' storage proxies send batches, the supervisor records
/// the lifecycle. An interface, so that a replicated store (`clif.ShardRouter`) can take the
/// file store's place.
@Interface("clif.StorageWrite")
public protocol StorageWrite: Sendable {
    /// Stores batch number `sequence` of blade `blade`'s events. A proxy numbers its batches
    /// from 1 and sends one at a time; a batch sent again (its acknowledgement was lost) has
    /// the same number and is stored once.
    func store(_ blade: String, _ batch: EventBatch, sequence: Int) async throws
}
