import Dispatch
import Foundation

/// SIGINT and SIGTERM, caught from the moment ``TerminationSignal/install()`` returns: a
/// launcher installs it before it says it is ready, so that a signal sent on that word is
/// never lost nor fatal.
final class TerminationSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var received = false
    private var waiter: CheckedContinuation<Void, Never>?
    private var sources: [any DispatchSourceSignal] = []

    private init() {}

    static func install() -> TerminationSignal {
        let signal = TerminationSignal()
        for number in [SIGINT, SIGTERM] {
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { @Sendable [weak signal] in signal?.fire() }
            source.resume()
            signal.sources.append(source)
            // Only now that the source listens: the default action would end the process.
            Foundation.signal(number, SIG_IGN)
        }
        return signal
    }

    private func fire() {
        let waiting: CheckedContinuation<Void, Never>? = lock.withLock {
            received = true
            defer { waiter = nil }
            return waiter
        }
        waiting?.resume()
    }

    /// Returns once SIGINT or SIGTERM has arrived (at once if one already has).
    func wait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let already: Bool = lock.withLock {
                if received { return true }
                waiter = continuation
                return false
            }
            if already { continuation.resume() }
        }
    }
}
