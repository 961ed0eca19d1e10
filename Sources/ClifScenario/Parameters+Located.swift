import ClifCore
import FractalXML

extension Parameters {
    /// Parameters whose entries each remember where they were written, in the order given
    /// (a later value of a name replaces an earlier one).
    ///
    /// `Parameters.Entry` has no public initialiser, but its properties are public: an entry
    /// is made by the public `init(_:)` and its location set afterwards.
    init(located values: [(name: String, value: String, location: SourceLocation?)]) {
        var entries: [String: Entry] = [:]
        for (name, value, location) in values {
            guard var entry = Parameters([name: value]).entries[name] else { continue }
            entry.location = location
            entries[name] = entry
        }
        self.init(entries: entries)
    }
}
