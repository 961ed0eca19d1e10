/// The warnings of a reading: every skipped line counted, at most
/// ``ReportReader/warningsPerFile`` kept a file.
struct Warnings {
    private(set) var kept: [ReportWarning] = []
    private(set) var skipped = 0
    private var inFile = 0

    mutating func beginFile() { inFile = 0 }

    mutating func skip(file: String, line: Int, message: String) {
        skipped += 1
        inFile += 1
        if inFile <= ReportReader.warningsPerFile { kept.append(ReportWarning(file: file, line: line, message: message)) }
    }

    /// A warning about a whole file: kept, not counted as a skipped line.
    mutating func note(_ warning: ReportWarning) { kept.append(warning) }

    mutating func endFile(_ file: String) {
        let more = inFile - ReportReader.warningsPerFile
        if more > 0 { kept.append(ReportWarning(file: file, line: 0, message: "\(more) more malformed line\(more == 1 ? "" : "s") skipped")) }
        inFile = 0
    }
}
