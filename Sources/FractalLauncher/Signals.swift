import Foundation

/// The write end of the pipe the signal handler wakes the waiting thread through.
/// Set once, before the handler is installed; the handler only reads it.
nonisolated(unsafe) private var terminationPipeWriteEnd: Int32 = -1

/// SIGINT and SIGTERM, caught from the moment ``TerminationSignal/install()`` returns: a
/// launcher installs it before it says it is ready, so that a signal sent on that word is
/// never lost nor fatal.
///
/// The handler is installed with `sigaction` synchronously and does the one async-signal-safe
/// thing, writing a byte to a pipe; a thread reading the pipe wakes the waiting task.
final class TerminationSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var received = false
    private var waiter: CheckedContinuation<Void, Never>?

    private init() {}

    static func install() -> TerminationSignal {
        let signal = TerminationSignal()
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { fatalError("cannot create the signal pipe: errno \(errno)") }
        terminationPipeWriteEnd = ends[1]
        let readEnd = ends[0]
        let thread = Thread {
            var byte: UInt8 = 0
            while read(readEnd, &byte, 1) < 0 && errno == EINTR {}
            signal.fire()
        }
        thread.start()
        for number in [SIGINT, SIGTERM] {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { _ in
                var byte: UInt8 = 1
                _ = write(terminationPipeWriteEnd, &byte, 1)
            }
            sigemptyset(&action.sa_mask)
            action.sa_flags = SA_RESTART
            sigaction(number, &action, nil)
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
