/// The `network` probe: traffic per second over each interval, from `/proc/net/dev`.
///
/// One event type, `network`: the sum over the reported interfaces, then each interface's own
/// columns (those present at creation, in the file's order; `lo` is left out unless
/// `includeLoopback`, since a load test's own traffic to a local server would count twice):
///
/// | column | from the interval's deltas |
/// |---|---|
/// | `bytes in/s`, `bytes out/s` | received and transmitted bytes / seconds (whole numbers) |
/// | `packets in/s`, `packets out/s` | received and transmitted packets / seconds (1 decimal) |
/// | `IFACE bytes in/s`… | the same four for interface IFACE (`eth0 bytes in/s`) |
///
/// An interface that disappears reports 0 (and counts 0 in the sums); when it comes back its
/// counters start again from 0, which reads as a reset: 0 for that interval, then rates again.
public struct NetworkSampler: ProbeSampler {
    public static let className = "network"

    public let eventTypes: [ProbeEventType]
    /// The interfaces reported, in the order of their columns.
    public let interfaces: [String]
    public let procRoot: String

    private var path: String { procRoot + "/net/dev" }
    /// Bytes in, bytes out, packets in, packets out, since the previous reading.
    private var rates: CounterRates

    public init(procRoot: String = "/proc", includeLoopback: Bool = false, at time: Int64 = 0) throws(ProbeError) {
        self.procRoot = procRoot
        let reading = try Self.read(procRoot + "/net/dev").filter { includeLoopback || $0.name != "lo" }
        interfaces = reading.map(\.name)
        rates = CounterRates(reading, scales: [1, 1, 1, 1], at: time)
        var columns = Self.columns(prefix: "")
        for interface in interfaces { columns += Self.columns(prefix: interface + " ") }
        eventTypes = [ProbeEventType(name: "network", columns: columns)]
    }

    public mutating func sample(at time: Int64) throws(ProbeError) -> [ProbeRow] {
        let values = rates.rates(try Self.read(path), at: time)
        return [ProbeRow(eventType: eventTypes[0], date: time / 1_000_000, values: values)]
    }

    private static func columns(prefix: String) -> [ProbeColumn] {
        [("bytes in/s", 0), ("bytes out/s", 0), ("packets in/s", 1), ("packets out/s", 1)].map { ProbeColumn(prefix + $0.0, fractionDigits: $0.1) }
    }

    /// Every interface of the file: `name: rx-bytes rx-packets … (8 receive fields) tx-bytes
    /// tx-packets …`, after two header lines (the ones with `|`).
    private static func read(_ path: String) throws(ProbeError) -> [(name: String, counters: [UInt64])] {
        var interfaces: [(name: String, counters: [UInt64])] = []
        try ProcFile(contentsOf: path).forEachLine { line throws(ProbeError) in
            if line.firstIndex(of: UInt8(ascii: "|")) != nil { return }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else {
                throw line.malformed("neither a header line (with \"|\") nor an interface line (\"name: counters\")")
            }
            let name = line.text(line.bytes.startIndex..<colon).trimmingSpaces()
            let fields = line.fields(from: colon + 1)
            guard fields.count >= 10 else {
                throw line.malformed("interface \"\(name)\" has \(fields.count) counters, fewer than the 10 up to transmitted packets")
            }
            let counters = try [0, 8, 1, 9].map { (index: Int) throws(ProbeError) -> UInt64 in
                try line.counter(fields[index], "counter \(index + 1) of interface \"\(name)\"")
            }
            interfaces.append((String(name), counters))
        }
        return interfaces
    }
}
