import ClifCore
import ClifReports
import Foundation

/// The line `clif run` rewrites every second: elapsed/total, sessions, req/s, p50/p99 of the
/// last second, errors, dropped; it also hands the events of the second to the report.
final class LiveLine: Sendable {
    let engine: LoadEngine
    let total: Double
    let quiet: Bool
    let writer: ReportDirectoryBox?
    private let terminal = isatty(STDERR_FILENO) == 1

    init(engine: LoadEngine, total: Double, quiet: Bool, writer: ReportDirectory?) {
        self.engine = engine
        self.total = total
        self.quiet = quiet
        self.writer = writer.map(ReportDirectoryBox.init)
    }

    func run() async {
        var second = 0
        while !Task.isCancelled {
            let deadline = Double(second + 1)
            let wait = deadline - engine.elapsed
            if wait > 0 { try? await Task.sleep(nanoseconds: UInt64(wait * 1e9)) }
            if Task.isCancelled { break }
            writer?.flush(engine.recorder)
            if !quiet { show(engine.recorder.interval(second), at: engine.elapsed) }
            second += 1
        }
    }

    func finish() {
        if !quiet, terminal { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    private func show(_ interval: IntervalStatistics, at elapsed: Double) {
        let actions = interval.total
        let line = "[\(Self.pad(QuickStats.format(min(elapsed, max(total, elapsed)), 0), 4))/\(QuickStats.format(total, 0)) s] sessions \(engine.activeSessions)"
            + "  req/s \(actions.calls + actions.errors)"
            + "  p50 \(QuickStats.format(Double(actions.latencyPercentile(50)) / 1000, 2)) ms"
            + "  p99 \(QuickStats.format(Double(actions.latencyPercentile(99)) / 1000, 2)) ms"
            + "  errors \(actions.errors)  dropped \(interval.dropped)"
        let text = terminal ? "\r\u{1B}[2K" + line : line + "\n"
        FileHandle.standardError.write(Data(text.utf8))
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }
}

/// The report, written from the live line's task only, then from the command after it ends.
final class ReportDirectoryBox: @unchecked Sendable {
    let directory: ReportDirectory
    init(_ directory: ReportDirectory) { self.directory = directory }

    func flush(_ recorder: Recorder) {
        try? directory.append(recorder.drainEvents())
        try? directory.append(recorder.drainAlarms())
    }
}
