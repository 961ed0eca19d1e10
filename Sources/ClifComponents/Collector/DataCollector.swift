import ClifCore
import Fractal
import Synchronization

/// The content of a data collector (`ADL/clif/DataCollector.fractal`): sees every batch an
/// insert makes on its way to the storage proxy, and keeps what the supervisor's live view
/// needs: per action type counts, errors and an HDR histogram of the interval, the latest
/// session count, the latest probe values.
public final class DataCollector: EventSink, CollectorControl {
    public let out = Client<any EventSink>("out")

    private struct Live {
        var interval = IntervalStatistics(second: 0)
        var activeSessions: Int?
        var probes: [String: [Double]] = [:]
    }

    private let live = Mutex(Live())

    public init() {}

    public static func register(in registry: Registry = .shared) {
        registry.register(EventSinkProxy.self)
        registry.register(CollectorControlProxy.self)
        registry.registerContent("clif.DataCollector") { DataCollector() }
    }

    public func receive(_ batch: EventBatch) async throws {
        live.withLock { live in
            for event in batch.actions {
                if event.success {
                    let micros = UInt64(max(0, event.duration)) * 1_000
                    live.interval.actions[event.type, default: ActionStatistics(significantDigits: .two)].recordSuccess(latency: micros, service: micros)
                } else {
                    live.interval.actions[event.type, default: ActionStatistics(significantDigits: .two)].recordError(Self.kind(of: event))
                }
            }
            live.interval.dropped += batch.dropped
            if let sessions = batch.activeSessions { live.activeSessions = sessions }
            for row in batch.probes { live.probes[row.type] = row.values }
        }
        try await out().receive(batch)
    }

    public func take() async throws -> BladeSnapshot {
        live.withLock { live in
            defer { live.interval = IntervalStatistics(second: 0) }
            return BladeSnapshot(state: .running, interval: live.interval, activeSessions: live.activeSessions, probes: live.probes)
        }
    }

    /// A failed event's kind: the first word of its result (`timeout`, `refused`, `status` …).
    static func kind(of event: ActionEvent) -> String {
        guard let result = event.result, let word = result.split(whereSeparator: { $0 == " " || $0 == ":" }).first else { return "failed" }
        return String(word)
    }
}
