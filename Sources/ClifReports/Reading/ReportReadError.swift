/// Why a report directory could not be read: each case says what was looked for, where, and
/// what to do.
public enum ReportReadError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The path does not exist.
    case noSuchDirectory(String)
    /// The path is a file, not a folder.
    case notADirectory(String)
    /// The folder holds no run folder (`<test>_<yyyy-MM-dd>_<HH>h<mm>m<ss>`).
    case noRun(directory: String)
    /// The run asked for is not there; `available` lists the runs that are, oldest first.
    case noSuchRun(String, directory: String, available: [String])
    /// A folder could not be listed.
    case unreadable(String, reason: String)

    public var description: String {
        switch self {
        case .noSuchDirectory(let path):
            "no such report directory: \(path) (give the folder `clif run --report DIR` or CLIF's clif.filestorage.dir wrote)"
        case .notADirectory(let path):
            "\(path) is a file, not a report directory"
        case .noRun(let directory):
            "\(directory) holds no run: a run is a folder named <test>_<yyyy-MM-dd>_<HH>h<mm>m<ss> with one folder per blade"
        case .noSuchRun(let name, let directory, let available):
            "no run '\(name)' in \(directory); runs there: \(available.isEmpty ? "none" : available.joined(separator: ", "))"
        case .unreadable(let path, let reason):
            "cannot read \(path): \(reason)"
        }
    }
}
