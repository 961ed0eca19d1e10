#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The time an engine schedules and measures by: nanoseconds on a monotonic timeline.
///
/// Injected so that load profiles and the coordinated-omission logic can be tested without
/// sleeping (``ManualClock``): the engine never reads another clock.
public protocol LoadClock: Sendable {
    /// Now, in nanoseconds since the clock's origin.
    func now() -> Int64
    /// Returns at or after `deadline`; throws `CancellationError` when the task is cancelled.
    func sleep(until deadline: Int64) async throws
}

/// The system's monotonic clock.
public struct SystemClock: LoadClock {
    public init() {}

    @inline(__always)
    public func now() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    }

    public func sleep(until deadline: Int64) async throws {
        let wait = deadline - now()
        if wait > 0 {
            try await Task.sleep(nanoseconds: UInt64(wait))
        } else {
            try Task.checkCancellation()
        }
    }
}
