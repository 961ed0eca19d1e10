/// A renaming of statistics rows: a key the whole `pattern` matches becomes `name` (the
/// Jenkins CLIF plug-in's aliases). Rows that end with the same name are merged; among
/// several aliases, the first that matches wins.
public struct ActionAlias: Sendable, Hashable, Codable, CustomStringConvertible {
    /// A regular expression (Swift `Regex` syntax, which reads Java's and PCRE's common forms).
    public let pattern: String
    public let name: String

    /// Throws ``ActionAliasError`` when the pattern is not a regular expression.
    public init(pattern: String, name: String) throws(ActionAliasError) {
        do {
            _ = try Regex(pattern)
        } catch {
            throw ActionAliasError("the alias pattern '\(pattern)' is not a regular expression: \(error)")
        }
        self.pattern = pattern
        self.name = name
    }

    /// `REGEX=NAME`, split at the last `=` (a pattern may hold `=`, a name may not).
    public init(argument: String) throws(ActionAliasError) {
        guard let equals = argument.lastIndex(of: "="), equals != argument.startIndex else {
            throw ActionAliasError("an alias is REGEX=NAME (for example 'get .*=GET'), got '\(argument)'")
        }
        let name = String(argument[argument.index(after: equals)...])
        guard !name.isEmpty else { throw ActionAliasError("the alias '\(argument)' has no name after '='") }
        try self.init(pattern: String(argument[..<equals]), name: name)
    }

    /// Renames keys with a list of aliases, compiling each pattern once; not `Sendable`
    /// (Swift's `Regex` is not): make one where it is used.
    public struct Renamer {
        private let compiled: [(Regex<AnyRegexOutput>, String)]
        private var cache: [String: String] = [:]

        public init(_ aliases: [ActionAlias]) {
            compiled = aliases.compactMap { alias in (try? Regex(alias.pattern)).map { ($0, alias.name) } }
        }

        /// The key renamed by the first alias whose pattern matches all of it, or the key itself.
        public mutating func callAsFunction(_ key: String) -> String {
            if let known = cache[key] { return known }
            let name = compiled.first { (try? $0.0.wholeMatch(in: key)) != nil }?.1 ?? key
            cache[key] = name
            return name
        }
    }

    public var description: String { "\(pattern)=\(name)" }
}
