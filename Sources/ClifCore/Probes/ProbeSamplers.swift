/// The samplers of CLIF's system probes, by the class name a test plan gives
/// (`blade.N.probe=cpu`): `cpu`, `memory`, `network`, `disk`.
public enum ProbeSamplers {
    /// Every probe class name known here, in the order the documentation lists them.
    public static let classNames = [CPUSampler.className, MemorySampler.className, NetworkSampler.className, DiskSampler.className]

    /// A sampler for the probe class `className`, with its default options, its baseline read
    /// from `procRoot` at `time` (nanoseconds since the test's start).
    ///
    /// - Throws: ``ProbeError/unknownProbe(name:known:)`` listing ``classNames`` for a name not
    ///   among them, or the error of reading the baseline.
    public static func sampler(forClass className: String, procRoot: String = "/proc", at time: Int64 = 0) throws(ProbeError) -> any ProbeSampler {
        switch className.trimmingSpaces() {
        case CPUSampler.className: try CPUSampler(procRoot: procRoot, at: time)
        case MemorySampler.className: try MemorySampler(procRoot: procRoot)
        case NetworkSampler.className: try NetworkSampler(procRoot: procRoot, at: time)
        case DiskSampler.className: try DiskSampler(procRoot: procRoot, at: time)
        default: throw .unknownProbe(name: className, known: classNames)
        }
    }
}
