/// The `memory` probe: how the memory is used at each call, from `/proc/meminfo`.
///
/// One event type, `memory`, in MiB (1,048,576 bytes) with at most 1 decimal:
///
/// | column | from `/proc/meminfo` |
/// |---|---|
/// | `total MiB` | MemTotal |
/// | `used MiB` | MemTotal − MemAvailable: what programs hold and the kernel cannot reclaim (as `free`'s "used" since procps 4). Kernels before 3.14 have no MemAvailable: MemTotal − MemFree − Buffers − Cached there |
/// | `free MiB` | MemFree: unused entirely |
/// | `buffers+cached MiB` | Buffers + Cached: the page cache (SReclaimable, the reclaimable slab `free` adds to its "buff/cache", is not in it) |
/// | `swap total MiB` | SwapTotal |
/// | `swap used MiB` | SwapTotal − SwapFree |
///
/// These are levels, not rates: each call reads the file afresh and keeps nothing. `used` is
/// never above `total` and no value is negative.
public struct MemorySampler: ProbeSampler {
    public static let className = "memory"

    public let eventTypes: [ProbeEventType] = [ProbeEventType(name: "memory", columns: [
        "total MiB", "used MiB", "free MiB", "buffers+cached MiB", "swap total MiB", "swap used MiB",
    ].map { ProbeColumn($0, fractionDigits: 1) })]
    public let procRoot: String

    /// Reads `/proc/meminfo` once, to fail now if it cannot be read as expected.
    public init(procRoot: String = "/proc") throws(ProbeError) {
        self.procRoot = procRoot
        _ = try read()
    }

    public func sample(at time: Int64) throws(ProbeError) -> [ProbeRow] {
        [ProbeRow(eventType: eventTypes[0], date: time / 1_000_000, values: try read())]
    }

    private func read() throws(ProbeError) -> [Double] {
        let path = procRoot + "/meminfo"
        // kB values of the keys used, by name.
        var found: [String: UInt64] = [:]
        let wanted: Set<String> = ["MemTotal", "MemFree", "MemAvailable", "Buffers", "Cached", "SwapTotal", "SwapFree"]
        try ProcFile(contentsOf: path).forEachLine { line throws(ProbeError) in
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else {
                throw line.malformed("no \"name: value\" here")
            }
            let key = line.text(line.bytes.startIndex..<colon)
            guard wanted.contains(key) else { return }
            let fields = line.fields(from: colon + 1)
            guard let value = fields.first else { throw line.malformed("\(key) has no value") }
            found[key] = try line.counter(value, key)
        }
        func required(_ key: String) throws(ProbeError) -> UInt64 {
            guard let value = found[key] else { throw .malformed(path: path, line: nil, problem: "no \(key) line") }
            return value
        }
        let total = try required("MemTotal"), free = try required("MemFree")
        let cached = try required("Buffers") + required("Cached")
        let swapTotal = try required("SwapTotal"), swapFree = try required("SwapFree")
        let available = found["MemAvailable"] ?? (free + cached)
        let used = total - min(available, total)
        let swapUsed = swapTotal - min(swapFree, swapTotal)
        return [total, used, free, cached, swapTotal, swapUsed].map { Double($0) / 1_024 }
    }
}
