import ClifCore
import Fractal
import Synchronization

/// The content of a storage proxy (`ADL/clif/StorageProxy.fractal`): buffers its blade's
/// events and sends them to the storage in batches while the test runs (every `period` ms, or
/// sooner past `batchSize` events, without waiting unless four batches are held), so that a
/// lost node loses at most what it had not sent.
/// A batch the storage could not take is sent again, under the same number, before any other.
public final class StorageProxy: EventSink, StorageProxyControl, LifeCycleAware {
    /// The blade's id: how the storage files its events.
    public let blade = Attribute("blade", "")
    public let period = Attribute("period", 500)
    public let batchSize = Attribute("batchSize", 20_000)
    public let storage = Client<any StorageWrite>("storage")

    private struct Buffer {
        var pending = EventBatch()
        /// A batch on its way to the storage (kept until it is acknowledged), and its number.
        var sending: EventBatch?
        var sequence = 0
        var stored = 0
        var timer: Task<Void, Never>?
    }

    private let buffer = Mutex(Buffer())
    /// One batch on its way at a time, in order.
    private let sender = SerialSender()

    public init() {}

    public static func register(in registry: Registry = .shared) {
        registry.register(EventSinkProxy.self)
        registry.register(StorageProxyControlProxy.self)
        registry.register(StorageWriteProxy.self)
        registry.registerContent("clif.StorageProxy") { StorageProxy() }
    }

    public func receive(_ batch: EventBatch) async throws {
        let (full, overfull) = buffer.withLock { buffer -> (Bool, Bool) in
            buffer.pending.append(batch)
            return (buffer.pending.count >= batchSize.value, buffer.pending.count >= 4 * batchSize.value)
        }
        // A full buffer starts a send while the blade goes on; only a storage that falls four
        // batches behind makes the blade wait (so that memory stays bounded).
        if overfull {
            _ = try? await flush()
        } else if full {
            Task { _ = try? await self.flush() }
        }
    }

    public func flush() async throws -> Int {
        try await sender.run { [self] in
            let next = buffer.withLock { buffer -> (EventBatch, Int)? in
                if buffer.sending == nil {
                    guard !buffer.pending.isEmpty else { return nil }
                    buffer.sending = buffer.pending
                    buffer.pending = EventBatch()
                    buffer.sequence += 1
                }
                return buffer.sending.map { ($0, buffer.sequence) }
            }
            guard let (batch, sequence) = next else { return 0 }
            try await storage().store(blade.value, batch, sequence: sequence)
            buffer.withLock { buffer in
                buffer.sending = nil
                buffer.stored += batch.count
            }
            return batch.count
        }
    }

    public func unsent() async throws -> Int {
        buffer.withLock { $0.pending.count + ($0.sending?.count ?? 0) }
    }

    // MARK: Lifecycle

    public func started() async throws {
        let period = Duration.milliseconds(max(10, period.value))
        let timer = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: period)
                guard let self, !Task.isCancelled else { return }
                _ = try? await self.flush()
            }
        }
        buffer.withLock { $0.timer = timer }
    }

    public func stopped() async {
        buffer.withLock { $0.timer }?.cancel()
    }
}

/// Runs one operation at a time, in the order they were asked for.
final class SerialSender: Sendable {
    private let tail = Mutex<Task<Void, Never>?>(nil)

    func run<Value: Sendable>(_ operation: @escaping @Sendable () async throws -> Value) async throws -> Value {
        let task = tail.withLock { tail -> Task<Value, any Error> in
            let previous = tail
            let task = Task<Value, any Error> {
                await previous?.value
                return try await operation()
            }
            tail = Task { _ = await task.result }
            return task
        }
        return try await task.value
    }
}
