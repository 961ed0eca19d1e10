/// The `disk` probe: input/output per second over each interval, from `/proc/diskstats`.
///
/// One event type, `disk`: the sum over the reported devices, then each device's own columns
/// (those present at creation, in the file's order):
///
/// | column | from the interval's deltas |
/// |---|---|
/// | `bytes read/s`, `bytes written/s` | 512 × sectors read, written / seconds (whole numbers; the kernel counts 512-byte sectors whatever the device's own sector size) |
/// | `reads/s`, `writes/s` | read and write requests completed / seconds (1 decimal) |
/// | `DEV bytes read/s`… | the same four for device DEV (`sda bytes read/s`) |
///
/// By default only whole disks are reported, so that the sums count each byte once: not
/// partitions (a name that is another listed name followed by digits, or by `p` and digits
/// when that name ends with a digit: `sda1`, `nvme0n1p2`, `mmcblk0p1`), nor devices stacked on
/// disks or held in memory (`loop*`, `ram*`, `zram*`, `dm-*`, `md*`). `allDevices` reports every
/// line of the file.
///
/// Both formats are read: lines of 14 fields or more (kernels up to 4.17: 11 counters; 4.18
/// adds 4 discard counters, 5.5 two flush counters), and the 7-field partition lines of 2.6
/// kernels (reads, sectors read, writes, sectors written). A device that disappears reports 0.
public struct DiskSampler: ProbeSampler {
    public static let className = "disk"

    public let eventTypes: [ProbeEventType]
    /// The devices reported, in the order of their columns.
    public let devices: [String]
    public let procRoot: String

    private var path: String { procRoot + "/diskstats" }
    /// Sectors read and written (512 bytes each), reads, writes, since the previous reading.
    private var rates: CounterRates

    public init(procRoot: String = "/proc", allDevices: Bool = false, at time: Int64 = 0) throws(ProbeError) {
        self.procRoot = procRoot
        let reading = try Self.read(procRoot + "/diskstats")
        let names = Set(reading.map(\.name))
        let kept = allDevices ? reading : reading.filter { Self.isWholeDisk($0.name, among: names) }
        devices = kept.map(\.name)
        rates = CounterRates(kept, scales: [512, 512, 1, 1], at: time)
        var columns = Self.columns(prefix: "")
        for device in devices { columns += Self.columns(prefix: device + " ") }
        eventTypes = [ProbeEventType(name: "disk", columns: columns)]
    }

    public mutating func sample(at time: Int64) throws(ProbeError) -> [ProbeRow] {
        let values = rates.rates(try Self.read(path), at: time)
        return [ProbeRow(eventType: eventTypes[0], date: time / 1_000_000, values: values)]
    }

    /// Whether `name` is a whole disk rather than a partition of one of `names`, or a loop, RAM,
    /// compressed-RAM, device-mapper or software-RAID device.
    public static func isWholeDisk(_ name: String, among names: Set<String>) -> Bool {
        for prefix in ["loop", "ram", "zram", "dm-", "md"] where name.hasPrefix(prefix) { return false }
        // The trailing digits, then whatever is before them (and before a "p" ahead of them).
        let digits = name.reversed().prefix(while: { $0.isASCII && $0.isNumber }).count
        guard digits > 0, digits < name.count else { return true }
        let stem = String(name.dropLast(digits))
        if names.contains(stem) { return false }
        if stem.hasSuffix("p"), let last = stem.dropLast().last, last.isASCII, last.isNumber, names.contains(String(stem.dropLast())) {
            return false
        }
        return true
    }

    private static func columns(prefix: String) -> [ProbeColumn] {
        [("bytes read/s", 0), ("bytes written/s", 0), ("reads/s", 1), ("writes/s", 1)].map { ProbeColumn(prefix + $0.0, fractionDigits: $0.1) }
    }

    /// Every line: `major minor name` then the counters.
    private static func read(_ path: String) throws(ProbeError) -> [(name: String, counters: [UInt64])] {
        var devices: [(name: String, counters: [UInt64])] = []
        try ProcFile(contentsOf: path).forEachLine { line throws(ProbeError) in
            let fields = line.fields()
            // Sectors read, sectors written, reads completed, writes completed.
            let indices: [Int]
            switch fields.count {
            case 14...: indices = [5, 9, 3, 7]
            case 7: indices = [4, 6, 3, 5]
            default: throw line.malformed("\(fields.count) fields: a device line has 14 or more (7 for a partition on 2.6 kernels)")
            }
            let name = line.text(fields[2])
            let counters = try indices.map { (index: Int) throws(ProbeError) -> UInt64 in
                try line.counter(fields[index], "field \(index + 1) of device \"\(name)\"")
            }
            devices.append((name, counters))
        }
        return devices
    }
}
