/// What went wrong setting up or sampling a probe: a bad argument, an unknown probe class, or a
/// `/proc` file that could not be read or does not read as Linux writes it.
///
/// Errors about a file carry its path (and line, when one line is at fault), so that the
/// message says which file of which proc root to look at.
public enum ProbeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A probe argument (`blade.N.argument`) that is not `<period ms> <duration s>`.
    case badArgument(argument: String, problem: String)
    /// A `blade.N.probe` class this module has no sampler for.
    case unknownProbe(name: String, known: [String])
    /// A file that could not be opened or read.
    case unreadable(path: String, reason: String)
    /// A file whose content is not what Linux writes there. `line` is 1-based; `nil` when the
    /// file as a whole is at fault (a line it must have is missing).
    case malformed(path: String, line: Int?, problem: String)

    public var description: String {
        switch self {
        case let .badArgument(argument, problem):
            "probe argument \"\(argument)\": \(problem); expected \"<period ms> <duration s>\", two whole numbers above 0, such as \"1000 60\""
        case let .unknownProbe(name, known):
            "unknown probe \"\(name)\"; known probes: \(known.joined(separator: ", "))"
        case let .unreadable(path, reason):
            "\(path): cannot read: \(reason) (probes read Linux's /proc: is it mounted there?)"
        case let .malformed(path, line?, problem):
            "\(path):\(line): \(problem)"
        case let .malformed(path, nil, problem):
            "\(path): \(problem)"
        }
    }
}
