import ClifComponents
import ClifCore
import CoreMetrics
import Prometheus
import Synchronization

/// The live view's figures as swift-metrics metrics, kept in a Prometheus registry of their own
/// (so that a program embedding `clif` keeps its own metrics system).
final class LiveMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory
    private let requests: CoreMetrics.Gauge, p50: CoreMetrics.Gauge, p99: CoreMetrics.Gauge, errors: CoreMetrics.Counter, dropped: CoreMetrics.Counter, elapsed: CoreMetrics.Gauge
    private let perBlade = Mutex<[String: (state: CoreMetrics.Gauge, sessions: CoreMetrics.Gauge, cpu: CoreMetrics.Gauge, saturated: CoreMetrics.Gauge)]>([:])

    init() {
        factory = PrometheusMetricsFactory(registry: registry)
        requests = CoreMetrics.Gauge(label: "clif_requests_per_second", factory: factory)
        p50 = CoreMetrics.Gauge(label: "clif_latency_p50_seconds", factory: factory)
        p99 = CoreMetrics.Gauge(label: "clif_latency_p99_seconds", factory: factory)
        errors = CoreMetrics.Counter(label: "clif_errors_total", factory: factory)
        dropped = CoreMetrics.Counter(label: "clif_dropped_total", factory: factory)
        elapsed = CoreMetrics.Gauge(label: "clif_elapsed_seconds", factory: factory)
    }

    /// Records one second of the supervisor's live view.
    func update(_ status: TestStatus) {
        let total = status.interval.total
        requests.record(Double(total.calls + total.errors))
        p50.record(Double(total.latencyPercentile(50)) / 1e6)
        p99.record(Double(total.latencyPercentile(99)) / 1e6)
        errors.increment(by: Int64(total.errors))
        dropped.increment(by: Int64(status.interval.dropped))
        elapsed.record(status.elapsed)
        for blade in status.blades {
            let gauges = perBlade.withLock { gauges in
                if let existing = gauges[blade.id] { return existing }
                let made = (CoreMetrics.Gauge(label: "clif_blade_state", dimensions: [("blade", blade.id)], factory: factory),
                            CoreMetrics.Gauge(label: "clif_blade_sessions", dimensions: [("blade", blade.id)], factory: factory),
                            CoreMetrics.Gauge(label: "clif_blade_cpu_percent", dimensions: [("blade", blade.id)], factory: factory),
                            CoreMetrics.Gauge(label: "clif_blade_saturated", dimensions: [("blade", blade.id)], factory: factory))
                gauges[blade.id] = made
                return made
            }
            gauges.state.record(Double(blade.state.rawValue))
            if let sessions = blade.activeSessions { gauges.sessions.record(Double(sessions)) }
            if let busy = blade.probes["cpu"]?["%busy"] { gauges.cpu.record(busy) }
            gauges.saturated.record(blade.saturated ? 1 : 0)
        }
    }

    /// The registry in Prometheus's text format.
    var text: String { registry.emitToString() }
}
