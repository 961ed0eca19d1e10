extension ReportStatistics {
    /// CLIF's layout: tab-separated, a header line, one line per key, then `GLOBAL LOAD`;
    /// the columns of ``QuickStats/columns``.
    public var tabSeparated: String {
        ([QuickStats.columns] + (rows + [global]).map(Self.cells)).map { $0.joined(separator: "\t") }.joined(separator: "\n")
    }

    /// The same table with aligned columns, as `clif run` prints its quick statistics, and a
    /// line saying what was counted.
    public var table: String {
        let all = [QuickStats.columns] + (rows + [global]).map(Self.cells)
        let widths = QuickStats.columns.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        var lines = all.map { cells in
            cells.enumerated().map { index, cell in
                index == 0 ? cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[index] - cell.count) + cell
            }.joined(separator: "  ")
        }
        lines.insert(String(repeating: "-", count: lines[0].count), at: 1)
        lines.append(summary)
        return lines.joined(separator: "\n")
    }

    /// What the figures are over: `durations in ms, over successful calls; throughput in calls/s over 4.000 s (100 ms to 4100 ms); …`.
    public var summary: String {
        var text = "durations in ms, over successful calls; throughput in calls/s over \(QuickStats.format(window.seconds, 3)) s (\(window.start) ms to \(window.end) ms)"
        text += "; rows by \(options.key.rawValue)"
        if !options.aliases.isEmpty { text += "; aliases \(options.aliases.map(\.description).joined(separator: ", "))" }
        if let cleanup = options.outliers {
            text += "; \(global.outliersRemoved) outlier\(global.outliersRemoved == 1 ? "" : "s") removed (mean ± \(QuickStats.format(cleanup.factor, 1))·sd, keeping at least \(QuickStats.format(cleanup.keepPercent, 1)) % and \(OutlierCleanup.minimumKept) values)"
        }
        if options.from != nil || options.to != nil {
            text += "; events dated \(options.from.map { "from \($0) ms" } ?? "from the start") \(options.to.map { "to \($0) ms" } ?? "to the end")"
        }
        return text
    }

    /// A row's cells: min and max in whole ms (as CLIF's files), the rest with 3 decimals.
    static func cells(_ row: Row) -> [String] {
        [row.key, String(row.calls), String(row.min), String(row.max), QuickStats.format(row.mean, 3), QuickStats.format(row.median, 3),
         QuickStats.format(row.standardDeviation, 3), QuickStats.format(row.throughput, 3), String(row.errors),
         QuickStats.format(row.p90, 3), QuickStats.format(row.p99, 3), QuickStats.format(row.p999, 3)]
    }
}
