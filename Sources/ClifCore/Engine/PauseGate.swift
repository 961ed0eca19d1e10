import Synchronization

/// What lets a suspended load hold still: sessions pass the gate before every step, samples
/// register while they call the system under test, and a suspension is complete once the
/// samples in flight have returned, so that no request starts between ``suspend()``'s return
/// and ``resume()``.
///
/// The open path costs an atomic load per step and two atomic adds per sample; the lock is
/// taken only while the gate is closed.
final class PauseGate: Sendable {
    private struct State {
        var waiting: [Int: CheckedContinuation<Void, Never>] = [:]
        var nextWaiter = 0
        var drained: [CheckedContinuation<Void, Never>] = []
        /// When the current suspension began (clock nanoseconds).
        var closedAt: Int64?
        /// Nanoseconds spent suspended by past suspensions.
        var pausedBefore: Int64 = 0
    }

    private let closed = Atomic<Bool>(false)
    private let inFlight = Atomic<Int>(0)
    private let state = Mutex(State())

    var isClosed: Bool { closed.load(ordering: .sequentiallyConsistent) }

    /// Nanoseconds the load has been suspended in all, up to `now`.
    func paused(now: Int64) -> Int64 {
        state.withLock { $0.pausedBefore + ($0.closedAt.map { now - $0 } ?? 0) }
    }

    /// Closes the gate and returns when every sample in flight has returned.
    func suspend(now: Int64) async {
        let alreadyClosed = state.withLock { state -> Bool in
            if state.closedAt != nil { return true }
            state.closedAt = now
            return false
        }
        if !alreadyClosed { closed.store(true, ordering: .sequentiallyConsistent) }
        await withCheckedContinuation { continuation in
            let done = state.withLock { state -> Bool in
                if inFlight.load(ordering: .sequentiallyConsistent) == 0 || state.closedAt == nil { return true }
                state.drained.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
    }

    /// Opens the gate: waiting sessions go on.
    func resume(now: Int64) {
        let (waiting, drained) = state.withLock { state -> ([CheckedContinuation<Void, Never>], [CheckedContinuation<Void, Never>]) in
            if let closedAt = state.closedAt { state.pausedBefore += now - closedAt }
            state.closedAt = nil
            closed.store(false, ordering: .sequentiallyConsistent)
            defer { state.waiting = [:]; state.drained = [] }
            return (Array(state.waiting.values), state.drained)
        }
        for continuation in waiting + drained { continuation.resume() }
    }

    /// Returns at once while open; otherwise when the gate opens (or the task is cancelled).
    func pass() async {
        guard isClosed else { return }
        let id = state.withLock { state -> Int in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let open = state.withLock { state -> Bool in
                    if state.closedAt == nil || Task.isCancelled { return true }
                    state.waiting[id] = continuation
                    return false
                }
                if open { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiting.removeValue(forKey: id) }?.resume()
        }
    }

    /// A sample is about to call the system under test: waits while the gate is closed.
    func enter() async {
        while true {
            await pass()
            inFlight.add(1, ordering: .sequentiallyConsistent)
            guard isClosed else { return }
            // Suspended between the check and the registration: step back and wait.
            leave()
            if Task.isCancelled { inFlight.add(1, ordering: .sequentiallyConsistent); return }
        }
    }

    /// The sample has returned.
    func leave() {
        let remaining = inFlight.subtract(1, ordering: .sequentiallyConsistent).newValue
        guard remaining == 0, isClosed else { return }
        let drained = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            defer { state.drained = [] }
            return state.drained
        }
        for continuation in drained { continuation.resume() }
    }
}
