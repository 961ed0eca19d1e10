import Synchronization

/// Counts the calls in progress in a component and holds back new ones while it is not started.
///
/// This is the lifecycle half of a component's membrane (Julia's invocation counter): a started
/// gate admits a call with two atomic operations; a stopping gate waits for the calls in
/// progress to finish; a stopped gate makes callers wait until it opens again, up to their
/// deadline.
///
/// While a gate is stopping, calls made *by* work in progress in a component that is itself
/// stopping (a sub-component calling a sibling during a composite's stop) are still admitted,
/// so that stopping a composite drains its calls instead of deadlocking on them.
@usableFromInline
final class CallGate: Sendable {
    enum Phase: Sendable { case stopped, stopping, started }

    /// Bit 0: open. Bits 1…: calls in progress.
    @usableFromInline let word = Atomic<Int>(0)
    private let slow = Mutex(SlowState())

    private struct SlowState: ~Copyable {
        var phase: Phase = .stopped
        var nextWaiter = 0
        var openWaiters: [Int: CheckedContinuation<Void, any Error>] = [:]
        var unregistered: Set<Int> = []
        var expiredEarly: [Int: any Error] = [:]
        var drainWaiters: [CheckedContinuation<Void, Never>] = []
    }

    /// The call chain of the current task: the gates of the calls it is running inside.
    @TaskLocal static var chain: ChainLink?

    final class ChainLink: Sendable {
        let gate: CallGate
        let parent: ChainLink?
        init(gate: CallGate, parent: ChainLink?) {
            self.gate = gate
            self.parent = parent
        }
    }

    var phase: Phase { slow.withLock { $0.phase } }

    var callsInProgress: Int { word.load(ordering: .acquiring) >> 1 }

    /// Callers held until the gate opens.
    var callsWaiting: Int { slow.withLock { $0.openWaiters.count } }

    /// Admits a call when the gate is open. Cheap: this is the path of every call.
    @inlinable
    func tryEnter() -> Bool {
        let old = word.wrappingAdd(2, ordering: .acquiringAndReleasing).oldValue
        if old & 1 == 1 { return true }
        leave()
        return false
    }

    /// Admits a call, waiting up to `deadline` for the gate to open.
    ///
    /// - Throws: `FractalError.callDeadlineExceeded` (through `deadlineError`) when the
    ///   gate stays closed; `CancellationError` when the waiting task is cancelled.
    func enter(deadline: Duration, deadlineError: @autoclosure @escaping @Sendable () -> FractalError) async throws {
        if tryEnter() { return }
        let start = ContinuousClock.now
        while true {
            let remaining = deadline - (ContinuousClock.now - start)
            if remaining <= .zero { throw deadlineError() }
            if try await waitForOpen(remaining: remaining, deadlineError: deadlineError) { return }
            if tryEnter() { return }
        }
    }

    /// Leaves after a call admitted by ``tryEnter()`` or ``enter(deadline:deadlineError:)``.
    @inlinable
    func leave() {
        let new = word.wrappingSubtract(2, ordering: .acquiringAndReleasing).newValue
        if new == 0 { notifyDrained() }
    }

    /// Returns true when the call was admitted while waiting (a stopping gate admitting work
    /// in progress); false when the gate opened and the caller should try again.
    private func waitForOpen(remaining: Duration, deadlineError: @escaping @Sendable () -> FractalError) async throws -> Bool {
        let admittedAsWorkInProgress: Bool = slow.withLock { state in
            guard state.phase == .stopping, Self.callerIsDraining() else { return false }
            word.wrappingAdd(2, ordering: .acquiringAndReleasing)
            return true
        }
        if admittedAsWorkInProgress { return true }

        let id = slow.withLock { state -> Int in
            state.nextWaiter += 1
            state.unregistered.insert(state.nextWaiter)
            return state.nextWaiter
        }
        let timer = Task { [weak self] in
            do { try await Task.sleep(for: remaining) } catch { return }
            self?.expire(id, with: deadlineError())
        }
        defer { timer.cancel() }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let outcome = slow.withLock { state -> Result<Bool, any Error> in
                    state.unregistered.remove(id)
                    if let error = state.expiredEarly.removeValue(forKey: id) { return .failure(error) }
                    if state.phase == .started { return .success(false) }
                    state.openWaiters[id] = continuation
                    return .success(true)
                }
                switch outcome {
                case .failure(let error): continuation.resume(throwing: error)
                case .success(false): continuation.resume()
                case .success(true): break
                }
            }
        } onCancel: {
            expire(id, with: CancellationError())
        }
        return false
    }

    /// Fails waiter `id`, whether it is already waiting or about to.
    private func expire(_ id: Int, with error: any Error) {
        let continuation = slow.withLock { state -> CheckedContinuation<Void, any Error>? in
            if let waiting = state.openWaiters.removeValue(forKey: id) { return waiting }
            if state.unregistered.contains(id) { state.expiredEarly[id] = error }
            return nil
        }
        continuation?.resume(throwing: error)
    }

    private static func callerIsDraining() -> Bool {
        var link = chain
        while let current = link {
            if current.gate.slow.withLock({ $0.phase == .stopping }) { return true }
            link = current.parent
        }
        return false
    }

    @usableFromInline
    func notifyDrained() {
        let waiters = slow.withLock { state -> [CheckedContinuation<Void, Never>] in
            guard word.load(ordering: .acquiring) == 0 else { return [] }
            defer { state.drainWaiters = [] }
            return state.drainWaiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Opens the gate and wakes every waiting caller.
    func open() {
        let waiters = slow.withLock { state -> [CheckedContinuation<Void, any Error>] in
            state.phase = .started
            word.bitwiseOr(1, ordering: .acquiringAndReleasing)
            defer { state.openWaiters = [:] }
            return Array(state.openWaiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Closes the gate to new calls; calls already admitted go on. Call ``drain()`` next.
    func close() {
        slow.withLock { state in
            if state.phase == .started { state.phase = .stopping }
            word.bitwiseAnd(~1, ordering: .acquiringAndReleasing)
        }
    }

    /// Waits until no call is in progress. The gate stays stopping (admitting work in progress
    /// of a stopping caller) until ``markStopped()``.
    func drain() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = slow.withLock { state -> Bool in
                if word.load(ordering: .acquiring) >> 1 == 0 { return true }
                state.drainWaiters.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
    }

    /// Ends a stop: from now on, every call waits for the gate to open.
    func markStopped() {
        slow.withLock { state in
            if state.phase == .stopping { state.phase = .stopped }
        }
    }
}
