import Synchronization

/// The arrivals of an open model between the scheduler and the sessions: an arrival goes to an
/// idle session, or makes a new one while under the cap, or waits (started late, its latency
/// still counted from its intended time), or is dropped when it has waited too long.
final class ArrivalQueue: Sendable {
    enum Offer { case handed, spawn, queued, dropped }

    private struct State {
        var idle: [CheckedContinuation<Int64?, Never>] = []
        /// Intended times of arrivals no session has taken yet, oldest first.
        var backlog: [Int64] = []
        var backlogStart = 0
        var sessions = 0
        var closed = false
    }

    private let state = Mutex(State())
    let maxSessions: Int
    let maxLateness: Int64
    /// Arrivals handed to a session and not yet done (counted from the hand-off, not from when
    /// the session resumes).
    let busy: EngineState

    init(maxSessions: Int, maxLateness: Int64, counting busy: EngineState) {
        self.maxSessions = maxSessions
        self.maxLateness = maxLateness
        self.busy = busy
    }

    /// An arrival is due: who runs it.
    func offer(_ intended: Int64) -> Offer {
        let (offer, idle) = state.withLock { state -> (Offer, CheckedContinuation<Int64?, Never>?) in
            if let idle = state.idle.popLast() {
                busy.busy.add(1, ordering: .relaxed)
                return (.handed, idle)
            }
            if state.sessions < maxSessions {
                state.sessions += 1
                busy.busy.add(1, ordering: .relaxed)
                return (.spawn, nil)
            }
            if state.backlog.count - state.backlogStart >= 1_000_000 { return (.dropped, nil) }
            state.backlog.append(intended)
            return (.queued, nil)
        }
        idle?.resume(returning: intended)
        return offer
    }

    /// A session is free: the oldest waiting arrival (dropping those that waited too long), or the
    /// next one to come; nil when the load is over.
    func take(now: Int64, drop: (Int64) -> Void) async -> Int64? {
        let stale = Mutex<[Int64]>([])
        let next = await withCheckedContinuation { (continuation: CheckedContinuation<Int64?, Never>) in
            // One lock for the backlog and for going idle, so no arrival is queued in between.
            let ready = state.withLock { state -> Int64?? in
                busy.busy.subtract(1, ordering: .relaxed)
                while state.backlogStart < state.backlog.count {
                    let intended = state.backlog[state.backlogStart]
                    state.backlogStart += 1
                    if state.backlogStart > 4096, state.backlogStart * 2 > state.backlog.count {
                        state.backlog.removeFirst(state.backlogStart)
                        state.backlogStart = 0
                    }
                    if now - intended > maxLateness {
                        stale.withLock { $0.append(intended) }
                        continue
                    }
                    busy.busy.add(1, ordering: .relaxed)
                    return .some(intended)
                }
                if state.closed { return .some(nil) }
                state.idle.append(continuation)
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
        for intended in stale.withLock({ $0 }) { drop(intended) }
        return next
    }

    func sessionEnded() {
        state.withLock { $0.sessions -= 1 }
    }

    /// The load is over: idle sessions end; returns the arrivals that never started.
    func close() -> [Int64] {
        let (idle, left) = state.withLock { state -> ([CheckedContinuation<Int64?, Never>], [Int64]) in
            state.closed = true
            defer {
                state.idle.removeAll()
                state.backlog.removeAll()
                state.backlogStart = 0
            }
            return (state.idle, Array(state.backlog[state.backlogStart...]))
        }
        for continuation in idle { continuation.resume(returning: nil) }
        return left
    }
}
