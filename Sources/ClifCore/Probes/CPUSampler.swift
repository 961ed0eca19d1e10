/// The `cpu` probe: how busy the processors were over each interval, from `/proc/stat`.
///
/// One event type, `cpu`, with the whole machine's columns then each core's (those present at
/// creation, as `/proc/stat` numbers them):
///
/// | column | from the interval's ticks (deltas of `/proc/stat`) |
/// |---|---|
/// | `%busy` | 100 × (total − idle − iowait) / total: everything but idle, so steal too |
/// | `%user` | 100 × (user + nice) / total |
/// | `%system` | 100 × (system + irq + softirq) / total |
/// | `%iowait` | 100 × iowait / total |
/// | `cpuN %busy`, `cpuN %user`, `cpuN %system`, `cpuN %iowait` | the same for core N |
///
/// total = user + nice + system + idle + iowait + irq + softirq + steal; guest and guest_nice
/// are left out because the kernel already counts them in user and nice. Percentages have at
/// most 2 decimals. An interval with no tick (two calls within one clock tick, 10 ms on most
/// kernels) reports 0 everywhere; so does a core that went offline.
public struct CPUSampler: ProbeSampler {
    public static let className = "cpu"

    public let eventTypes: [ProbeEventType]
    /// The cores reported, as `/proc/stat` names them (`cpu0`, `cpu1`…): those of the baseline.
    public let cores: [String]
    public let procRoot: String

    private var path: String { procRoot + "/stat" }
    /// The baseline of the next interval: the machine's ticks, then each core's.
    private var previous: [Ticks]

    public init(procRoot: String = "/proc", at time: Int64 = 0) throws(ProbeError) {
        self.procRoot = procRoot
        let reading = try Self.read(procRoot + "/stat")
        cores = reading.cores.map(\.name)
        previous = [reading.total] + reading.cores.map(\.ticks)
        var columns = Self.columns(prefix: "")
        for core in cores { columns += Self.columns(prefix: core + " ") }
        eventTypes = [ProbeEventType(name: "cpu", columns: columns)]
    }

    public mutating func sample(at time: Int64) throws(ProbeError) -> [ProbeRow] {
        let reading = try Self.read(path)
        var values = Self.percentages(from: previous[0], to: reading.total)
        previous[0] = reading.total
        for (index, core) in cores.enumerated() {
            // Cores keep their place in /proc/stat unless one went offline.
            let found = index < reading.cores.count && reading.cores[index].name == core
                ? reading.cores[index].ticks : reading.cores.first(where: { $0.name == core })?.ticks
            if let now = found {
                values += Self.percentages(from: previous[index + 1], to: now)
                previous[index + 1] = now
            } else {
                values += [0, 0, 0, 0]
            }
        }
        return [ProbeRow(eventType: eventTypes[0], date: time / 1_000_000, values: values)]
    }

    private static func columns(prefix: String) -> [ProbeColumn] {
        ["%busy", "%user", "%system", "%iowait"].map { ProbeColumn(prefix + $0, fractionDigits: 2) }
    }

    private static func percentages(from old: Ticks, to new: Ticks) -> [Double] {
        let delta = (0..<Ticks.count).map { new.fields[$0].counterDelta(since: old.fields[$0]) }
        let total = delta.reduce(0, +)
        guard total > 0 else { return [0, 0, 0, 0] }
        func percent(_ ticks: UInt64) -> Double { 100 * Double(ticks) / Double(total) }
        let user = delta[0] + delta[1], system = delta[2] + delta[5] + delta[6]
        let idle = delta[3], iowait = delta[4]
        return [percent(total - idle - iowait), percent(user), percent(system), percent(iowait)]
    }

    /// A `cpu` line's first eight counters: user, nice, system, idle, iowait, irq, softirq,
    /// steal (kernels before 2.6.11 write fewer: the missing ones are 0).
    private struct Ticks {
        static let count = 8
        var fields: [UInt64]
    }

    private static func read(_ path: String) throws(ProbeError) -> (total: Ticks, cores: [(name: String, ticks: Ticks)]) {
        var total: Ticks?
        var cores: [(name: String, ticks: Ticks)] = []
        try ProcFile(contentsOf: path).forEachLine { line throws(ProbeError) in
            guard line.hasPrefix("cpu") else { return }
            let fields = line.fields()
            let name = line.text(fields[0])
            guard name == "cpu" || name.dropFirst(3).allSatisfy({ $0.isASCII && $0.isNumber }) else { return }
            guard fields.count >= 5 else {
                throw line.malformed("\"\(name)\" has \(fields.count - 1) counters, fewer than the 4 (user nice system idle) every kernel writes")
            }
            var ticks = Ticks(fields: Array(repeating: 0, count: Ticks.count))
            for index in 0..<min(Ticks.count, fields.count - 1) {
                ticks.fields[index] = try line.counter(fields[index + 1], "field \(index + 1) of \"\(name)\"")
            }
            if name == "cpu" {
                total = ticks
            } else if !cores.contains(where: { $0.name == name }) {
                cores.append((name, ticks))
            }
        }
        guard let total else { throw .malformed(path: path, line: nil, problem: "no \"cpu\" line (the whole machine's ticks)") }
        return (total, cores)
    }
}
