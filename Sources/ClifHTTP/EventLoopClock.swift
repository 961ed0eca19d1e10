import ClifCore
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// The monotonic clock, with sleeps as timers of the event loop the caller runs on: a session or
/// the open-model scheduler on an event loop wakes on its own thread, from the loop's own timer,
/// rather than from a timer thread that must first get the core.
public struct EventLoopClock: LoadClock {
    /// Where a caller that runs on no event loop sleeps.
    public let fallback: any EventLoop
    private let system = SystemClock()

    public init(fallback: any EventLoop) {
        self.fallback = fallback
    }

    @inline(__always)
    public func now() -> Int64 { system.now() }

    public func sleep(until deadline: Int64) async throws {
        guard deadline > now() else {
            try Task.checkCancellation()
            return
        }
        let loop = MultiThreadedEventLoopGroup.currentEventLoop ?? fallback
        let sleeper = Sleeper()
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                guard sleeper.set(continuation) else {
                    continuation.resume(throwing: CancellationError())
                    return
                }
                let task = loop.scheduleTask(deadline: .uptimeNanoseconds(UInt64(deadline))) { sleeper.finish(nil) }
                sleeper.set(task)
            }
        } onCancel: {
            sleeper.finish(CancellationError())
        }
    }

    /// One sleep: resumed once, by its timer or by cancellation, whichever comes first.
    private final class Sleeper: Sendable {
        private struct State {
            var continuation: CheckedContinuation<Void, any Error>?
            var task: Scheduled<Void>?
            var finished = false
        }
        private let state = NIOLockedValueBox(State())

        /// False when cancelled before the continuation was there.
        func set(_ continuation: CheckedContinuation<Void, any Error>) -> Bool {
            state.withLockedValue { state in
                if state.finished { return false }
                state.continuation = continuation
                return true
            }
        }

        func set(_ task: Scheduled<Void>) {
            let cancel = state.withLockedValue { state -> Bool in
                if state.finished { return true }
                state.task = task
                return false
            }
            if cancel { task.cancel() }
        }

        func finish(_ error: (any Error)?) {
            let (continuation, task) = state.withLockedValue { state -> (CheckedContinuation<Void, any Error>?, Scheduled<Void>?) in
                if state.finished { return (nil, nil) }
                state.finished = true
                defer { state.continuation = nil; state.task = nil }
                return (state.continuation, state.task)
            }
            if error != nil { task?.cancel() }
            if let error { continuation?.resume(throwing: error) } else { continuation?.resume() }
        }
    }
}
