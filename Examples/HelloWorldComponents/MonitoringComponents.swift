import Fractal
import Synchronization

/// `monitoring.CallCounter`: a membrane component. The membrane routes the calls of its
/// component's `s` here first; each is counted and timed, then passed on through `next` to the
/// component's content. Serves the count as `monitor`.
final class CallCounterImpl: Service, Monitor {
    let next = Client<any Service>("next")
    private let counted = Mutex(CallCount(calls: 0, failures: 0, slowestMicroseconds: 0))

    func print(_ message: String) async throws {
        let clock = ContinuousClock()
        let started = clock.now
        do {
            try await next().print(message)
            record(since: started, clock: clock, failed: false)
        } catch {
            record(since: started, clock: clock, failed: true)
            throw error
        }
    }

    func count() async throws -> CallCount { counted.withLock { $0 } }

    private func record(since started: ContinuousClock.Instant, clock: ContinuousClock, failed: Bool) {
        let elapsed = started.duration(to: clock.now)
        let micros = Int(elapsed.components.seconds) * 1_000_000 + Int(elapsed.components.attoseconds / 1_000_000_000_000)
        counted.withLock { count in
            count.calls += 1
            if failed { count.failures += 1 }
            count.slowestMicroseconds = max(count.slowestMicroseconds, micros)
        }
    }
}

/// `monitoring.Client`: sends `messages` messages to its service, then asks the service's
/// `monitor-controller` (bound to its client `monitor`) what it counted.
final class MonitoredClientImpl: Runnable {
    let service = Client<any Service>("s")
    let monitor = Client<any Monitor>("monitor")
    let messages = Attribute("messages", 3)

    func run() async throws {
        for index in 1...max(1, messages.value) { try await service().print("hello \(index)") }
        let count = try await monitor().count()
        print("the server's membrane counted \(count.calls) calls of s (\(count.failures) failed, slowest \(count.slowestMicroseconds) µs)")
    }
}
