import ClifCore

/// A run as one self-contained HTML page: the quick statistics, threshold results, latency
/// percentiles (p50, p90, p99), throughput and errors over time per action type, each probe
/// blade's series (CPU and memory first), the blades' lifecycles with aborted blades and their
/// reasons set apart, the alarms, and the lines skipped while reading.
///
/// Nothing is fetched when the page is opened: no script, no external stylesheet, font or
/// image; charts are inline SVG; every text that comes from the report's files is escaped.
/// The markup is also well-formed XML.
public struct HTMLReport: Sendable {
    public var run: ReportRun
    public var statistics: ReportStatistics
    public var series: TimeSeries
    public var thresholds: [ThresholdResult]

    public init(run: ReportRun, statistics: ReportStatistics, series: TimeSeries, thresholds: [ThresholdResult] = []) {
        self.run = run
        self.statistics = statistics
        self.series = series
        self.thresholds = thresholds
    }

    /// The statistics and time series of `run` under `options`, and the thresholds evaluated.
    public init(run: ReportRun, options: StatisticsOptions = StatisticsOptions(), thresholds: [Threshold] = []) {
        let statistics = ReportStatistics(run: run, options: options)
        self.init(run: run, statistics: statistics, series: TimeSeries(run: run, options: options),
                  thresholds: ThresholdResult.evaluate(thresholds, on: statistics))
    }

    /// The page.
    public var html: String {
        var out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
        out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n"
        out += "<title>\(e(run.folder.name)) · clif report</title>\n<style>\n\(Self.style)</style>\n</head>\n<body>\n"
        out += header
        out += problems
        out += thresholdTable
        out += statisticsTable
        out += actionCharts
        out += probeCharts
        out += lifecycles
        out += alarms
        out += warnings
        out += "<p class=\"foot\">Written by <code>clif report</code> from the files of \(e(run.folder.path)). This page loads nothing: its charts are inline SVG.</p>\n"
        out += "</body>\n</html>\n"
        return out
    }

    // MARK: - Sections

    private var header: String {
        var out = "<h1>\(e(run.folder.testName)) <span class=\"dim\">\(e(run.folder.timestamp.description))</span></h1>\n"
        out += "<p class=\"meta\">Run <code>\(e(run.folder.name))</code>; \(run.injectors.count) injector\(run.injectors.count == 1 ? "" : "s"), "
        out += "\(run.probes.count) probe\(run.probes.count == 1 ? "" : "s"); \(statistics.global.calls) successful call\(statistics.global.calls == 1 ? "" : "s"), "
        out += "\(statistics.global.errors) error\(statistics.global.errors == 1 ? "" : "s").</p>\n"
        out += "<p class=\"meta\">\(e(statistics.summary)).</p>\n"
        return out
    }

    /// Aborted blades, failed thresholds and skipped lines, before anything else.
    private var problems: String {
        var out = ""
        for blade in run.blades {
            guard let aborted = blade.aborted else { continue }
            out += "<div class=\"alert\"><strong>Blade \(e(blade.id)) aborted</strong> at \(ms(aborted.date))"
            let reasons = blade.abortReasons
            out += reasons.isEmpty ? " (its files give no reason)." : ":<ul>" + reasons.map { "<li>\(e($0))</li>" }.joined() + "</ul>"
            out += "</div>\n"
        }
        let failed = thresholds.filter { !$0.passed }
        if !failed.isEmpty {
            out += "<div class=\"alert\"><strong>\(failed.count) threshold\(failed.count == 1 ? "" : "s") failed</strong><ul>"
            out += failed.map { "<li>\(e($0.message))</li>" }.joined() + "</ul></div>\n"
        }
        if run.skippedLines > 0 {
            out += "<div class=\"warn\">\(run.skippedLines) malformed line\(run.skippedLines == 1 ? " was" : "s were") skipped while reading: see <a href=\"#warnings\">Warnings</a>.</div>\n"
        }
        return out
    }

    private var thresholdTable: String {
        guard !thresholds.isEmpty else { return "" }
        var out = "<h2 id=\"thresholds\">Thresholds</h2>\n<table>\n<thead><tr><th>threshold</th><th>result</th><th>measured</th><th>message</th></tr></thead>\n<tbody>\n"
        for result in thresholds {
            let measured = result.measured.map { QuickStats.format($0, 3) + result.threshold.metric.unit } ?? "—"
            out += "<tr class=\"\(result.passed ? "pass" : "fail")\"><td><code>\(e(result.threshold.expression))</code></td><td>\(result.passed ? "passed" : "failed")</td>"
            out += "<td class=\"num\">\(e(measured))</td><td>\(e(result.message))</td></tr>\n"
        }
        return out + "</tbody>\n</table>\n"
    }

    private var statisticsTable: String {
        var out = "<h2 id=\"statistics\">Quick statistics</h2>\n<table>\n<thead><tr>"
        out += QuickStats.columns.map { "<th>\(e($0))</th>" }.joined() + "</tr></thead>\n<tbody>\n"
        for row in statistics.rows + [statistics.global] {
            let cells = ReportStatistics.cells(row)
            out += "<tr\(row.key == ReportStatistics.globalKey ? " class=\"total\"" : "")>"
            out += cells.enumerated().map { index, cell in
                index == 0 ? "<td>\(e(cell))</td>" : "<td class=\"num\(index == 8 && row.errors > 0 ? " bad" : "")\">\(e(cell))</td>"
            }.joined()
            out += "</tr>\n"
        }
        out += "</tbody>\n</table>\n<p class=\"note\">Durations in ms over successful calls; throughput in successful calls per second over \(QuickStats.format(statistics.window.seconds, 3)) s.</p>\n"
        return out
    }

    private var actionCharts: String {
        guard !series.series.isEmpty else { return "<h2 id=\"charts\">Over time</h2>\n<p>No action event in this run.</p>\n" }
        var out = "<h2 id=\"charts\">Over time</h2>\n"
        let keys = series.keys
        let throughput = keys.enumerated().map { index, key in
            SVGChart.Series(name: key, points: series.series[key]!.map { (Double($0.second), Double($0.calls)) }, color: color(index))
        } + (keys.count > 1 ? [SVGChart.Series(name: ReportStatistics.globalKey, points: series.global.map { (Double($0.second), Double($0.calls)) }, color: "#333", dashed: true)] : [])
        out += SVGChart(label: "Throughput: successful calls per second", xUnit: "s since start", yUnit: "calls/s", series: throughput).figure
        if series.global.contains(where: { $0.errors > 0 }) {
            let errors = keys.enumerated().map { index, key in
                SVGChart.Series(name: key, points: series.series[key]!.map { (Double($0.second), Double($0.errors)) }, color: color(index))
            }
            out += SVGChart(label: "Errors per second", xUnit: "s since start", yUnit: "errors/s", series: errors).figure
        } else {
            out += "<p class=\"note\">No failed call.</p>\n"
        }
        for key in keys {
            let points = series.series[key]!
            let lines = [
                SVGChart.Series(name: "p50", points: points.map { (Double($0.second), $0.p50) }, color: "#2ca02c"),
                SVGChart.Series(name: "p90", points: points.map { (Double($0.second), $0.p90) }, color: "#ff7f0e"),
                SVGChart.Series(name: "p99", points: points.map { (Double($0.second), $0.p99) }, color: "#d62728"),
            ]
            out += SVGChart(label: "Latency of \(key), each second", xUnit: "s since start", yUnit: "ms", series: lines).figure
        }
        return out
    }

    private var probeCharts: String {
        let probes = run.blades.filter { !$0.probes.isEmpty }
        guard !probes.isEmpty else { return "" }
        var out = "<h2 id=\"probes\">Probes</h2>\n"
        for blade in probes {
            // CPU and memory first, then the other event types by name.
            let ordered = blade.probes.sorted { (rank($0), $0.name) < (rank($1), $1.name) }
            for probe in ordered {
                let layout = probe.layout
                let lines = layout.machine.map { index in
                    SVGChart.Series(name: probe.labels[index], points: probe.samples.map { (Double($0.date) / 1000, $0.values[index]) }, color: color(index))
                }
                out += SVGChart(label: "\(blade.id): \(probe.name)", xUnit: "s since start", yUnit: probe.unit, series: lines).figure
                // One line a core, interface or device, of the first column.
                if !layout.devices.isEmpty {
                    let devices = layout.devices.enumerated().map { number, device in
                        SVGChart.Series(name: device.name, points: probe.samples.map { (Double($0.date) / 1000, $0.values[device.first]) }, color: color(number))
                    }
                    out += SVGChart(label: "\(blade.id): \(probe.name), \(probe.labels[0]) of each", xUnit: "s since start", yUnit: probe.unit, series: devices).figure
                }
            }
        }
        return out
    }

    private var lifecycles: String {
        var out = "<h2 id=\"blades\">Blades</h2>\n<table>\n<thead><tr><th>blade</th><th>kind</th><th>server</th><th>argument</th><th>events</th><th>lifecycle</th></tr></thead>\n<tbody>\n"
        for blade in run.blades {
            let kind = blade.plan?.kind.description ?? (blade.isProbe ? "probe" : "injector")
            let states = blade.lifecycle.map { event in
                "<span class=\"state\(event.state == .aborted ? " bad" : "")\">\(ms(event.date)) \(e(event.label.isEmpty ? String(event.stateID) : event.label))</span>"
            }.joined(separator: " → ")
            let events = blade.hasActions ? "\(blade.actions.count) action\(blade.actions.count == 1 ? "" : "s")"
                : blade.probes.map { "\($0.samples.count) \($0.name)" }.joined(separator: ", ")
            out += "<tr\(blade.aborted != nil ? " class=\"aborted\"" : "")><td>\(e(blade.id))</td><td>\(e(kind))</td><td>\(e(blade.plan?.server ?? ""))</td>"
            out += "<td><code>\(e(blade.plan?.argument ?? ""))</code></td><td>\(e(events))</td><td>\(states.isEmpty ? "no lifecycle file" : states)</td></tr>\n"
        }
        return out + "</tbody>\n</table>\n"
    }

    private var alarms: String {
        let all = run.blades.flatMap { blade in blade.alarms.map { (blade.id, $0) } }.sorted { ($0.1.date, $0.0) < ($1.1.date, $1.0) }
        guard !all.isEmpty else { return "" }
        var out = "<h2 id=\"alarms\">Alarms</h2>\n<table>\n<thead><tr><th>blade</th><th>date</th><th>severity</th><th>message</th></tr></thead>\n<tbody>\n"
        for (blade, alarm) in all {
            let severity = ["info", "warning", "error", "fatal"].indices.contains(alarm.severity) ? ["info", "warning", "error", "fatal"][alarm.severity] : String(alarm.severity)
            out += "<tr\(alarm.severity >= 2 ? " class=\"aborted\"" : "")><td>\(e(blade))</td><td class=\"num\">\(ms(alarm.date))</td><td>\(e(severity))</td><td>\(e(alarm.message))</td></tr>\n"
        }
        return out + "</tbody>\n</table>\n"
    }

    private var warnings: String {
        guard !run.warnings.isEmpty else { return "" }
        var out = "<h2 id=\"warnings\">Warnings</h2>\n<ul class=\"warnings\">\n"
        for warning in run.warnings { out += "<li><code>\(e(warning.description))</code></li>\n" }
        return out + "</ul>\n"
    }

    // MARK: - Helpers

    private func e(_ text: String) -> String { MarkupEscaping.text(text) }

    private func ms(_ date: Int64) -> String { QuickStats.format(Double(date) / 1000, 3) + " s" }

    private func color(_ index: Int) -> String { SVGChart.palette[index % SVGChart.palette.count] }

    private func rank(_ probe: ProbeSeries) -> Int { probe.isCPU ? 0 : probe.isMemory ? 1 : 2 }

    /// No `>`, `<` or `&` (the page stays well-formed XML), no `url(…)` nor `@import`.
    static let style = """
    body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #222; max-width: 1100px; }
    h1 { font-size: 22px; margin-bottom: 4px; }
    h2 { font-size: 17px; margin-top: 28px; border-bottom: 1px solid #ddd; }
    .dim, .meta, .note, .foot { color: #666; }
    table { border-collapse: collapse; margin: 8px 0; }
    th, td { border: 1px solid #ddd; padding: 3px 8px; text-align: left; vertical-align: top; }
    th { background: #f4f4f4; }
    td.num { text-align: right; font-variant-numeric: tabular-nums; }
    tr.total td { font-weight: bold; }
    tr.aborted td, tr.fail td { background: #fde8e8; }
    tr.pass td { background: #e9f7ec; }
    .bad { color: #b00020; font-weight: bold; }
    .alert { border: 2px solid #b00020; background: #fde8e8; padding: 8px 12px; margin: 10px 0; }
    .warn { border: 1px solid #c77c00; background: #fff4e0; padding: 6px 12px; margin: 10px 0; }
    .figure { margin: 14px 0; }
    .caption { font-weight: bold; margin-bottom: 2px; }
    .legend span { margin-right: 12px; white-space: nowrap; }
    .legend .mark { display: inline-block; width: 10px; height: 10px; margin-right: 4px; }
    .tick, .axis { font-size: 11px; fill: #555; }
    .state { white-space: nowrap; }
    svg.chart { max-width: 100%; height: auto; }

    """
}
