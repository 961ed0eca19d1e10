/// Per-second rates of the cumulative counters of a fixed set of devices (disks, network
/// interfaces): the totals of every device, then each device's, from one reading to the next.
struct CounterRates: Sendable {
    /// Device names, fixed at the first reading.
    let names: [String]
    /// Multiplies each counter's delta (512 for sectors to bytes).
    let scales: [Double]
    private var previous: [[UInt64]]
    private var previousTime: Int64

    init(_ reading: [(name: String, counters: [UInt64])], scales: [Double], at time: Int64) {
        names = reading.map(\.name)
        previous = reading.map(\.counters)
        previousTime = time
        self.scales = scales
    }

    /// Totals then each device's rates; a device gone since the first reading counts 0, and a
    /// counter that went backwards counts 0 for the interval.
    mutating func rates(_ reading: [(name: String, counters: [UInt64])], at time: Int64) -> [Double] {
        let seconds = Double(time - previousTime) / 1e9
        previousTime = time
        let fields = scales.count
        var totals = [Double](repeating: 0, count: fields)
        var each: [Double] = []
        each.reserveCapacity(names.count * fields)
        for (index, name) in names.enumerated() {
            guard let now = reading.first(where: { $0.name == name })?.counters else {
                each += [Double](repeating: 0, count: fields)
                continue
            }
            for field in 0..<fields {
                let delta = Double(now[field].counterDelta(since: previous[index][field])) * scales[field]
                let rate = seconds > 0 ? delta / seconds : 0
                totals[field] += rate
                each.append(rate)
            }
            previous[index] = now
        }
        return totals + each
    }
}
