import FractalXML

extension TestPlan {
    /// One blade of a test plan.
    public struct Blade: Sendable, Hashable {
        /// What a blade runs: an injector class (`IsacRunner`, `Synchro`) or a probe (`cpu` …).
        public enum Kind: Sendable, Hashable, CustomStringConvertible {
            case injector(String)
            case probe(String)

            public var description: String {
                switch self {
                case .injector(let name): "injector \(name)"
                case .probe(let name): "probe \(name)"
                }
            }
        }

        /// N in `blade.N.…`: an index, not a name.
        public var index: Int
        /// The blade's name: its report folder.
        public var id: String
        /// The server (node) it runs on; ``TestPlan/localHost`` for the launcher's.
        public var server: String
        public var kind: Kind
        /// For `IsacRunner`: `scenario.xis [threads=N]`; for a probe: `<period ms> <duration s>`.
        public var argument: String
        public var comment: String
        /// Where each field was read (`id`, `server`, `injector` …), for located errors.
        public var locations: [String: SourceLocation]

        public init(index: Int, id: String, server: String, kind: Kind, argument: String, comment: String = "", locations: [String: SourceLocation] = [:]) {
            self.index = index
            self.id = id
            self.server = server
            self.kind = kind
            self.argument = argument
            self.comment = comment
            self.locations = locations
        }

        static let fields: Set<String> = ["id", "server", "injector", "probe", "argument", "comment"]

        /// `IsacRunner`'s argument: the scenario file and the optional `threads=N`.
        public func isacArgument() throws(ScenarioDiagnostics) -> (scenario: String, threads: Int?) {
            let words = argument.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard let scenario = words.first else {
                throw ScenarioDiagnostics([Diagnostic(at: locations["argument"] ?? locations["id"], "blade '\(id)' needs blade.\(index).argument=<scenario.xis> [threads=N]")])
            }
            var threads: Int?
            for word in words.dropFirst() {
                guard word.hasPrefix("threads="), let count = Int(word.dropFirst(8)), count > 0 else {
                    throw ScenarioDiagnostics([Diagnostic(at: locations["argument"], "blade '\(id)': '\(word)' is not an IsacRunner argument (expected threads=N, N ≥ 1)")])
                }
                threads = count
            }
            return (scenario, threads)
        }
    }
}
