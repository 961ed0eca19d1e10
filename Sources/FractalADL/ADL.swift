@_exported import FractalXML
import Fractal

/// Loading architecture descriptions: the entry points.
public enum ADL {
    /// What a check or a load found.
    public struct Report: Sendable {
        public var plan: ComponentPlan?
        public var diagnostics: [Diagnostic]
        public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }
        public var warnings: [Diagnostic] { diagnostics.filter { $0.severity == .warning } }
        /// What could not be checked, and why.
        public var notes: [Diagnostic] { diagnostics.filter { $0.severity == .note } }
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
        loader.checksAlone = true
        var (plan, diagnostics) = loader.resolve(target)
        guard let resolved = plan else { return Report(plan: nil, diagnostics: deduplicated(diagnostics)) }
        let checker = ADLChecker(registry: structureOnly ? nil : registry, javaTypes: loader.readJavaWrittenFile)
        let checked = checker.check(resolved)
        diagnostics += checked
        // Types only the JVM knows cannot be instantiated here: say so once rather than fail.
        let javaNotes = checked.filter { $0.severity == .note && $0.message.hasPrefix(ADLChecker.javaTypePrefix) }
        if !structureOnly && !diagnostics.contains(where: { $0.severity == .error }) {
            if javaNotes.isEmpty {
                diagnostics += ADLBuilder(registry: registry).build(resolved).diagnostics
            } else {
                diagnostics.append(Diagnostic(.note, at: resolved.location, "not instantiated: \(javaNotes.count) Java type\(javaNotes.count == 1 ? " is" : "s are") not registered here (see the notes above); the structure was checked"))
            }
        }
        plan = resolved
        return Report(plan: plan, diagnostics: deduplicated(diagnostics))
    }

    /// Loads `target` and instantiates it: every component created, attributes set, bound, stopped.
    ///
    /// - Throws: ``ADLError`` with every problem found, located.
    public static func load(
        _ target: String, searchPath: [String] = ["ADL"], context: [String: String] = [:], registry: Registry = .shared
    ) throws -> Component {
        try instantiate(target, searchPath: searchPath, context: context, registry: registry).component
    }

    /// Like ``load(_:searchPath:context:registry:)``, and returns the plan too, to locate
    /// later runtime errors with ``locate(_:in:)``.
    public static func instantiate(
        _ target: String, searchPath: [String] = ["ADL"], context: [String: String] = [:], registry: Registry = .shared
    ) throws -> (component: Component, plan: ComponentPlan) {
        let loader = ADLLoader(searchPath: searchPath, context: context)
        let (plan, diagnostics) = loader.resolve(target)
        var all = diagnostics
        if let plan { all += ADLChecker(registry: registry).check(plan) }
        guard let plan, !all.contains(where: { $0.severity == .error }) else { throw ADLError(deduplicated(all)) }
        let (component, built) = ADLBuilder(registry: registry).build(plan)
        all += built
        guard let component, !built.contains(where: { $0.severity == .error }) else { throw ADLError(deduplicated(all)) }
        return (component, plan)
    }

    /// Resolves and checks `target` without instantiating it.
    ///
    /// - Throws: ``ADLError`` when there is an error.
    public static func resolve(
        _ target: String, searchPath: [String] = ["ADL"], context: [String: String] = [:], registry: Registry = .shared
    ) throws -> ComponentPlan {
        let (plan, diagnostics) = ADLLoader(searchPath: searchPath, context: context).resolve(target)
        var all = diagnostics
        if let plan { all += ADLChecker(registry: registry).check(plan) }
        guard let plan, !all.contains(where: { $0.severity == .error }) else { throw ADLError(deduplicated(all)) }
        return plan
    }

    /// Instantiates a plan made elsewhere (on another node, say): components created,
    /// attributes set, bound, stopped.
    ///
    /// - Throws: ``ADLError`` with every problem, located in the plan's files.
    public static func build(_ plan: ComponentPlan, registry: Registry = .shared) throws -> Component {
        let (component, diagnostics) = ADLBuilder(registry: registry).build(plan)
        guard let component, !diagnostics.contains(where: { $0.severity == .error }) else { throw ADLError(diagnostics) }
        return component
    }

    /// The element of `plan` a runtime error is about: the interface it names in the component
    /// whose path it gives, else that component.
    public static func locate(_ error: FractalError, in plan: ComponentPlan) -> SourceLocation? {
        guard let path = error.component else { return plan.location }
        var names = path.split(separator: "/").map(String.init)
        guard names.first == plan.name else { return plan.location }
        names.removeFirst()
        var current = plan
        var inMembrane = false
        for name in names {
            // `/Top/m/(membrane)/counter` names a component of m's membrane.
            if name == "(membrane)" {
                inMembrane = true
                continue
            }
            let candidates = inMembrane ? current.membrane : current.children.compactMap { child -> ComponentPlan? in
                if case .plan(let childPlan) = child { return childPlan }
                return nil
            }
            inMembrane = false
            guard let next = candidates.first(where: { $0.name == name }) else { break }
            current = next
        }
        if let interface = error.interface, let declared = current.interfaces.first(where: { $0.type.name == interface }) {
            return declared.location
        }
        return current.location
    }

    /// Each diagnostic once, in the order found.
    private static func deduplicated(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        var seen: Set<Diagnostic> = []
        return diagnostics.filter { seen.insert($0).inserted }
    }
}
