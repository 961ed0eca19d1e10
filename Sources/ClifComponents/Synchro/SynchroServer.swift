import ClifCore
import Fractal
import Synchronization

/// The content of a Synchro blade's insert (`ADL/clif/Synchro.fractal`): the named locks the
/// `Synchro` plug-in of every injector of the test waits on. It measures nothing.
public final class SynchroServer: SynchroLocks, LoadlessInsert {
    private struct Lock {
        var count = 0
        var waiters: [Int: (count: Int, continuation: CheckedContinuation<Int, Never>, timer: Task<Void, Never>?)] = [:]
    }

    private struct State {
        var locks: [String: Lock] = [:]
        var nextWaiter = 0
        var stopped = false
        var end: CheckedContinuation<Void, Never>?
        var ended = false
    }

    private let state = Mutex(State())

    public init() {}

    public static func register(in registry: Registry = .shared) {
        registry.register(SynchroLocksProxy.self)
        registry.register(InsertProxy.self)
        registry.registerContent("clif.Synchro") { SynchroServer() }
    }

    // MARK: Locks

    public func notify(_ lock: String) async throws -> Int {
        let (count, ready) = state.withLock { state -> (Int, [CheckedContinuation<Int, Never>]) in
            state.locks[lock, default: Lock()].count += 1
            let count = state.locks[lock]!.count
            let ready = state.locks[lock]!.waiters.filter { $0.value.count <= count }
            for (id, waiter) in ready {
                state.locks[lock]!.waiters[id] = nil
                waiter.timer?.cancel()
            }
            return (count, ready.values.map(\.continuation))
        }
        for continuation in ready { continuation.resume(returning: count) }
        return count
    }

    public func wait(_ lock: String, count: Int, milliseconds: Int) async throws -> Int {
        let id = state.withLock { state -> Int in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        return await withCheckedContinuation { continuation in
            let now = state.withLock { state -> Int? in
                let current = state.locks[lock]?.count ?? 0
                if current >= count || state.stopped || milliseconds <= 0 { return current }
                // The timer starts once the waiter is registered, so that it cannot fire first.
                let timer = Task { [weak self] in
                    try? await Task.sleep(for: .milliseconds(milliseconds))
                    if !Task.isCancelled { self?.expire(lock, id) }
                }
                state.locks[lock, default: Lock()].waiters[id] = (count, continuation, timer)
                return nil
            }
            if let now { continuation.resume(returning: now) }
        }
    }

    public func count(_ lock: String) async throws -> Int { state.withLock { $0.locks[lock]?.count ?? 0 } }

    private func expire(_ lock: String, _ id: Int) {
        let expired = state.withLock { state -> (CheckedContinuation<Int, Never>, Int)? in
            guard let waiter = state.locks[lock]?.waiters.removeValue(forKey: id) else { return nil }
            return (waiter.continuation, state.locks[lock]?.count ?? 0)
        }
        if let (continuation, count) = expired { continuation.resume(returning: count) }
    }

    // MARK: Insert: the locks live while the test runs.

    public func prepare() async throws -> [EventType] { [] }
    public func start() async throws {}
    public func suspend() async throws {}
    public func resume() async throws {}

    public func stop() async throws {
        let (waiters, end) = state.withLock { state -> ([(CheckedContinuation<Int, Never>, Int)], CheckedContinuation<Void, Never>?) in
            state.stopped = true
            state.ended = true
            var waiters: [(CheckedContinuation<Int, Never>, Int)] = []
            for (name, lock) in state.locks {
                waiters += lock.waiters.values.map { ($0.continuation, lock.count) }
                state.locks[name]!.waiters = [:]
            }
            defer { state.end = nil }
            return (waiters, state.end)
        }
        for (continuation, count) in waiters { continuation.resume(returning: count) }
        end?.resume()
    }

    public func join() async throws {
        await withCheckedContinuation { continuation in
            let ended = state.withLock { state -> Bool in
                if state.ended { return true }
                state.end = continuation
                return false
            }
            if ended { continuation.resume() }
        }
    }
}
