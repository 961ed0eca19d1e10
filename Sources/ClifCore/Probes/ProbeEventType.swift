/// One kind of event a probe writes: the name of its file in the blade's report folder (`cpu`)
/// and its columns, fixed for the whole run.
public struct ProbeEventType: Sendable, Hashable {
    /// The event type, which is also the file's name in the blade's report folder.
    public var name: String
    /// Every column after the date, in order.
    public var columns: [ProbeColumn]

    public init(name: String, columns: [ProbeColumn]) {
        self.name = name
        self.columns = columns
    }

    public var labels: [String] { columns.map(\.label) }

    /// The file's first line, as CLIF writes it: `# date, %busy, %user, %system, %iowait`.
    public var header: String { (["# date"] + labels).joined(separator: ", ") }

    /// One event as a line of the file: `date,v1,v2…` (`1000,12.5,10,2.5,0`), the date in
    /// milliseconds since the test's start, each value as its column formats it.
    /// `values` has one value per column; missing ones are written `0`, extra ones dropped.
    public func line(date: Int64, values: [Double]) -> String {
        var line = String(date)
        for (index, column) in columns.enumerated() {
            line += ","
            line += column.format(index < values.count ? values[index] : 0)
        }
        return line
    }
}
