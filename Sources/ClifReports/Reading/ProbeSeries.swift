/// The events of one probe file (`cpu`, `memory`, `network`, `disk`…): a header
/// `# date, label1, label2…`, then one line of numbers per sample.
public struct ProbeSeries: Sendable, Hashable, Codable {
    /// One line: the date (ms since the test started) and one value per label.
    public struct Sample: Sendable, Hashable, Codable {
        public var date: Int64
        public var values: [Double]

        public init(date: Int64, values: [Double]) {
            self.date = date
            self.values = values
        }
    }

    /// The file's name: the event type (`cpu`).
    public var name: String
    /// The header's labels after `date` (`%CPU`, `%CPU user`…).
    public var labels: [String]
    /// In file order.
    public var samples: [Sample]

    public init(name: String, labels: [String], samples: [Sample]) {
        self.name = name
        self.labels = labels
        self.samples = samples
    }

    /// The columns for the whole machine, and the blocks that repeat them per core, interface
    /// or device (`%busy, %user, cpu0 %busy, cpu0 %user, cpu1 %busy, …`: machine columns 0 and
    /// 1, devices `cpu0` at 2 and `cpu1` at 4). Without such blocks every column is the machine's.
    public var layout: (machine: Range<Int>, devices: [(name: String, first: Int)]) {
        let n = labels.count
        for width in stride(from: 1, through: n / 2, by: 1) where (n - width) % width == 0 {
            var devices: [(String, Int)] = []
            var start = width
            while start < n {
                let first = labels[start]
                guard first.hasSuffix(" " + labels[0]) else { break }
                let name = String(first.dropLast(labels[0].count + 1))
                guard !name.isEmpty, (0..<width).allSatisfy({ labels[start + $0] == name + " " + labels[$0] }) else { break }
                devices.append((name, start))
                start += width
            }
            if start == n { return (0..<width, devices) }
        }
        return (0..<n, [])
    }

    /// The unit the machine's columns share: their common last word (`MiB`), `%`, or the file's name.
    public var unit: String {
        let machine = labels[layout.machine]
        let lastWords = Set(machine.map { $0.split(separator: " ").last.map(String.init) ?? $0 })
        if lastWords.count == 1, let word = lastWords.first, machine.allSatisfy({ $0.contains(" ") }) { return word }
        if !machine.isEmpty, machine.allSatisfy({ $0.contains("%") }) { return "%" }
        return name
    }

    /// Whether this is a CPU or memory series, by its file's name.
    public var isCPU: Bool { name.lowercased().hasPrefix("cpu") }
    public var isMemory: Bool { name.lowercased().hasPrefix("mem") }
}
