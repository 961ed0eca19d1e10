import Fractal

/// Loading architecture descriptions: the entry points.
public enum ADL {
    /// What a check or a load found.
    public struct Report: Sendable {
        public var plan: ComponentPlan?
        public var diagnostics: [Diagnostic]
        public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }
        public var warnings: [Diagnostic] { diagnostics.filter { $0.severity == .warning } }
    }

    /// Checks `target` (a definition name or a file) without starting anything.
    ///
    /// - Parameter structureOnly: check syntax, references, `extends`, arguments and bindings
    ///   without looking up content classes and signatures (for ADL written for other
    ///   implementations, or whose types live in another program).
    public static func check(
        _ target: String, searchPath: [String] = ["ADL"], context: [String: String] = [:],
        registry: Registry = .shared, structureOnly: Bool = false
    ) -> Report {
        let loader = ADLLoader(searchPath: searchPath, context: context)
        var (plan, diagnostics) = loader.resolve(target)
        guard let resolved = plan else { return Report(plan: nil, diagnostics: sorted(diagnostics)) }
        diagnostics += ADLChecker(registry: structureOnly ? nil : registry).check(resolved)
        if !structureOnly && !diagnostics.contains(where: { $0.severity == .error }) {
            diagnostics += ADLBuilder(registry: registry).build(resolved).diagnostics
        }
        plan = resolved
        return Report(plan: plan, diagnostics: sorted(diagnostics))
    }

    /// Loads `target` and instantiates it: every component created, attributes set, bound, stopped.
    ///
    /// - Throws: ``ADLError`` with every problem found, located.
    public static func load(
        _ target: String, searchPath: [String] = ["ADL"], context: [String: String] = [:], registry: Registry = .shared
    ) throws -> Component {
        let loader = ADLLoader(searchPath: searchPath, context: context)
        let (plan, diagnostics) = loader.resolve(target)
        var all = diagnostics
        if let plan { all += ADLChecker(registry: registry).check(plan) }
        guard let plan, !all.contains(where: { $0.severity == .error }) else { throw ADLError(sorted(all)) }
        let (component, built) = ADLBuilder(registry: registry).build(plan)
        all += built
        guard let component, !built.contains(where: { $0.severity == .error }) else { throw ADLError(sorted(all)) }
        return component
    }

    private static func sorted(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        var seen: Set<Diagnostic> = []
        return diagnostics.filter { seen.insert($0).inserted }
    }
}
