#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The CPU time this process has used so far, user and system, in nanoseconds: what the
/// benchmarks divide by their work to give a cost per event or call.
public func processCPUTime() -> (user: Int64, system: Int64) {
    var usage = rusage()
    #if canImport(Glibc)
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    #else
    getrusage(RUSAGE_SELF, &usage)
    #endif
    func nanoseconds(_ time: timeval) -> Int64 { Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_usec) * 1_000 }
    return (nanoseconds(usage.ru_utime), nanoseconds(usage.ru_stime))
}

/// ``processCPUTime()``, user plus system, in seconds.
public func cpuSeconds() -> Double {
    let time = processCPUTime()
    return Double(time.user + time.system) / 1e9
}

/// A duration in seconds.
public func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}
