import ClifCore
import Fractal

/// Where events go, a batch at a time: from an insert to its data collector, from the
/// collector to the storage proxy.
@Interface("clif.EventSink")
public protocol EventSink: Sendable {
    func receive(_ batch: EventBatch) async throws
}
