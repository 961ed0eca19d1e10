extension UInt64 {
    /// How much a kernel counter grew since `previous`, never negative: a counter that went
    /// backwards (reset when an interface or device was re-created, a 32-bit counter that
    /// wrapped, iowait that the kernel revised down) counts as 0 for that interval, and its new
    /// value is the reference for the next one. Guessing a wrap would turn a reset into a spike
    /// of up to 4 GiB; a 0 is at worst one interval under-reported.
    func counterDelta(since previous: UInt64) -> UInt64 {
        self >= previous ? self - previous : 0
    }
}
