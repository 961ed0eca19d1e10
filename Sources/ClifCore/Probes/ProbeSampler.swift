/// The measuring part of a CLIF probe (`blade.N.probe=cpu`): reads the system's counters and
/// turns them into rows of numbers, one row per event type at each call.
///
/// ### Contract
/// - **Creation** happens once per probe blade, when the blade is initialised (before the test
///   starts). Creating a sampler reads its files once: that reading is the baseline of the first
///   interval, it fixes the columns for the whole run (the cores, interfaces and devices present
///   then: one that appears later is not reported, one that disappears reports 0), and it checks
///   that the files read as Linux writes them, so that a probe that cannot work fails at init
///   with the path at fault, not in the middle of the test.
/// - **``sample(at:)``** is called by the probe component that owns the sampler, once per period
///   of the blade's argument (``ProbeArguments/period``) until its duration is over. The sampler
///   has no timer and no thread of its own: the caller keeps time. Calls are never concurrent
///   (the sampler is a value; whoever holds it, an actor or a task, makes one call at a time).
///   A call reads a few kilobytes from procfs (no disk access, nothing that blocks for long) and
///   allocates little: see docs/performance.md, "Probe overhead".
/// - **Each call** returns exactly one row per event type, in ``eventTypes``' order, dated with
///   the time given. Rates and percentages cover the interval since the previous call (or since
///   creation); a counter that went backwards counts as 0 for its interval, never negative.
/// - **Files**: write each event type's ``ProbeEventType/header`` as the first line of the file
///   named ``ProbeEventType/name`` in the blade's report folder, then each row's
///   ``ProbeRow/line``.
///
/// Samplers read from a proc root (`/proc` unless told otherwise), so that tests can give them
/// a directory of fixture files.
public protocol ProbeSampler: Sendable {
    /// CLIF's probe class name, as a test plan's `blade.N.probe` gives it: `cpu`.
    static var className: String { get }

    /// The event types this probe writes, with their columns: fixed from creation on.
    var eventTypes: [ProbeEventType] { get }

    /// Reads the counters now and returns one row per event type.
    ///
    /// - Parameter time: nanoseconds since the test's start, on the monotonic clock the blade
    ///   dates its events by (a ``LoadClock``'s `now()` minus the start). Rows are dated with it
    ///   in milliseconds, and rates are divided by the time since the previous reading (a time
    ///   that did not advance gives rates of 0).
    /// - Throws: ``ProbeError/unreadable(path:reason:)`` or ``ProbeError/malformed(path:line:problem:)``
    ///   naming the file; the sampler keeps its previous reading, so a later call may succeed.
    mutating func sample(at time: Int64) throws(ProbeError) -> [ProbeRow]
}

extension ProbeSampler {
    /// CLIF's probe class name of this sampler.
    public var className: String { Self.className }
}
