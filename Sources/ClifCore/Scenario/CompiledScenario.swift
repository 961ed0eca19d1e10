import FractalXML

/// A scenario checked against the registered plug-ins, with every operation resolved to its
/// plug-in instance and number and prepared once: what the engine runs.
public struct CompiledScenario: Sendable {
    public let scenario: Scenario
    let uses: [CompiledUse]
    let useIndex: [String: Int]
    let behaviors: [String: [CompiledStep]]
    /// Warnings found while compiling (errors throw).
    public let warnings: [Diagnostic]

    struct CompiledUse: Sendable {
        var use: PluginUse
        var plugin: any ScenarioPlugin
        var shared: SharedPluginState
    }

    public var behaviorIDs: [String] { scenario.behaviors.map(\.id) }

    /// Checks `scenario`; throws ``ScenarioDiagnostics`` listing every problem, located.
    public init(_ scenario: Scenario, plugins: PluginRegistry = .shared) throws(ScenarioDiagnostics) {
        var compiler = ScenarioCompiler(scenario: scenario, registry: plugins)
        compiler.run()
        if compiler.log.hasErrors { throw ScenarioDiagnostics(compiler.log.diagnostics) }
        self.scenario = scenario
        self.uses = compiler.uses
        self.useIndex = compiler.useIndex
        self.behaviors = compiler.behaviors
        self.warnings = compiler.log.diagnostics
    }

    /// Every problem of `scenario`, errors and warnings, without throwing.
    public static func check(_ scenario: Scenario, plugins: PluginRegistry = .shared) -> [Diagnostic] {
        var compiler = ScenarioCompiler(scenario: scenario, registry: plugins)
        compiler.run()
        return compiler.log.diagnostics
    }

    func steps(of behavior: String) -> [CompiledStep]? { behaviors[behavior] }
}

/// A step with its operation resolved.
indirect enum CompiledStep: Sendable {
    case sample(CompiledOperation)
    case timer(CompiledOperation)
    case control(CompiledOperation)
    case whileLoop(CompiledOperation, [CompiledStep])
    case preemptive(CompiledOperation, [CompiledStep])
    case ifThen(CompiledOperation, [CompiledStep], [CompiledStep])
    /// Cumulative weights and the choices.
    case nchoice([Int], [[CompiledStep]])
}

struct CompiledOperation: Sendable {
    let instance: Int
    let call: OperationCall
    let location: SourceLocation?
}

private struct ScenarioCompiler {
    let scenario: Scenario
    let registry: PluginRegistry
    var log = DiagnosticLog()
    var uses: [CompiledScenario.CompiledUse] = []
    var useIndex: [String: Int] = [:]
    var behaviors: [String: [CompiledStep]] = [:]

    init(scenario: Scenario, registry: PluginRegistry) {
        self.scenario = scenario
        self.registry = registry
    }

    mutating func run() {
        for use in scenario.plugins {
            if useIndex[use.id] != nil {
                log.error(use.location, "plug-in instance '\(use.id)' is declared twice; give each <use> its own id")
                continue
            }
            guard let plugin = registry.plugin(named: use.plugin) else {
                log.error(use.location, "unknown plug-in '\(use.plugin)'; known plug-ins: \(registry.names.joined(separator: ", ")) (a program registers its own with PluginRegistry.register)")
                continue
            }
            let known = Set(plugin.descriptor.parameters.map(\.name))
            for name in use.parameters.names where !known.contains(name) {
                log.warning(use.parameters.location(of: name) ?? use.location, "plug-in \(use.plugin) has no parameter '\(name)'; it is ignored (its parameters: \(Self.list(known.sorted())))")
            }
            for spec in plugin.descriptor.parameters where spec.required && use.parameters[spec.name] == nil {
                log.error(use.location, "plug-in instance '\(use.id)' (\(use.plugin)) needs parameter '\(spec.name)': \(spec.summary)")
            }
            useIndex[use.id] = uses.count
            uses.append(.init(use: use, plugin: plugin, shared: SharedPluginState()))
        }
        // References in the <use> parameters themselves.
        for use in uses { checkReferences(use.use.parameters, fallback: use.use.location) }

        var seen: Set<String> = []
        for behavior in scenario.behaviors {
            if !seen.insert(behavior.id).inserted {
                log.error(behavior.location, "behaviour '\(behavior.id)' is defined twice")
                continue
            }
            behaviors[behavior.id] = compile(behavior.steps)
        }
        checkGroups()
    }

    mutating func compile(_ steps: [Step]) -> [CompiledStep] {
        steps.compactMap { step -> CompiledStep? in
            switch step {
            case .sample(let use): operation(.sample, use).map(CompiledStep.sample)
            case .timer(let use): operation(.timer, use).map(CompiledStep.timer)
            case .control(let use): operation(.control, use).map(CompiledStep.control)
            case .whileLoop(let condition, let body):
                operation(.condition, condition).map { .whileLoop($0, compile(body)) }
            case .preemptive(let condition, let body):
                operation(.condition, condition).map { .preemptive($0, compile(body)) }
            case .ifThen(let condition, let then, let otherwise):
                operation(.condition, condition).map { .ifThen($0, compile(then), compile(otherwise)) }
            case .nchoice(let choices):
                compileChoices(choices)
            }
        }
    }

    mutating func compileChoices(_ choices: [Step.Choice]) -> CompiledStep? {
        var cumulative: [Int] = []
        var bodies: [[CompiledStep]] = []
        var total = 0
        for choice in choices {
            if choice.weight <= 0 || choice.weight > 1_000_000_000 {
                log.error(choice.location, "a choice's proba must be a whole number from 1 to 1000000000, not \(choice.weight)")
                continue
            }
            total += choice.weight
            cumulative.append(total)
            bodies.append(compile(choice.steps))
        }
        if choices.isEmpty {
            log.warning(scenario.location, "an nchoice without choices does nothing; it is left out")
            return nil
        }
        return .nchoice(cumulative, bodies)
    }

    mutating func operation(_ kind: OperationKind, _ use: OperationUse) -> CompiledOperation? {
        guard let index = useIndex[use.use] else {
            if !scenario.plugins.contains(where: { $0.id == use.use }) {
                log.error(use.location, "no plug-in instance '\(use.use)' is declared; declare it in <plugins> with <use id=\"\(use.use)\" name=\"…\"> (declared: \(Self.list(scenario.plugins.map(\.id))))")
            }
            return nil
        }
        let compiled = uses[index]
        let descriptor = compiled.plugin.descriptor
        let operations = descriptor.operations(kind)
        guard let number = operations.firstIndex(where: { $0.name == use.name }) else {
            log.error(use.location, "plug-in \(descriptor.name) has no \(kind.rawValue) '\(use.name)'; its \(kind.rawValue)s: \(Self.list(operations.map(\.name)))")
            return nil
        }
        let spec = operations[number]
        let known = Set(spec.parameters.map(\.name))
        for name in use.parameters.names where !known.contains(name) {
            log.warning(use.parameters.location(of: name) ?? use.location, "\(descriptor.name).\(use.name) has no parameter '\(name)'; it is ignored (its parameters: \(Self.list(known.sorted())))")
        }
        var missing = false
        for parameter in spec.parameters where parameter.required && use.parameters[parameter.name] == nil {
            log.error(use.location, "\(descriptor.name).\(use.name) needs parameter '\(parameter.name)': \(parameter.summary)")
            missing = true
        }
        checkReferences(use.parameters, fallback: use.location)
        if missing { return nil }
        let preparing = PreparingOperation(kind: kind, number: number, name: use.name, parameters: use.parameters,
                                           useParameters: compiled.use.parameters, directory: scenario.directory)
        let prepared: (any Sendable)?
        do {
            prepared = try compiled.plugin.prepare(preparing)
        } catch let error as ScenarioError {
            log.error(error.location ?? error.parameter.flatMap { use.parameters.location(of: $0) } ?? use.location, "\(descriptor.name).\(use.name): \(error.message)")
            return nil
        } catch {
            log.error(use.location, "\(descriptor.name).\(use.name): \(error)")
            return nil
        }
        let call = OperationCall(kind: kind, number: number, name: use.name, parameters: use.parameters, prepared: prepared, defaultType: use.name)
        return CompiledOperation(instance: index, call: call, location: use.location)
    }

    mutating func checkReferences(_ parameters: Parameters, fallback: SourceLocation?) {
        for name in parameters.names {
            guard let value = parameters[name] else { continue }
            for reference in value.references {
                let place = parameters.location(of: name) ?? fallback
                guard let index = useIndex[reference.instance] else {
                    log.error(place, "${\(reference.instance):\(reference.name)} names no plug-in instance; declared: \(Self.list(scenario.plugins.map(\.id)))")
                    continue
                }
                let descriptor = uses[index].plugin.descriptor
                if let variables = descriptor.variables, !variables.contains(reference.name) {
                    let known = variables.map { $0.isEmpty ? "(empty: the default value)" : $0 }
                    log.error(place, "${\(reference.instance):\(reference.name)}: plug-in \(descriptor.name) has no variable '\(reference.name)'; its variables: \(Self.list(known))")
                }
            }
        }
    }

    mutating func checkGroups() {
        var grouped: Set<String> = []
        for group in scenario.groups {
            if behaviors[group.behavior] == nil, !scenario.behaviors.contains(where: { $0.id == group.behavior }) {
                log.error(group.location, "group names behaviour '\(group.behavior)', which the scenario does not define (behaviours: \(Self.list(scenario.behaviors.map(\.id))))")
            }
            if !grouped.insert(group.behavior).inserted {
                log.error(group.location, "behaviour '\(group.behavior)' has two groups; give it one group with several ramps")
            }
            var previousEnd: Double?
            for ramp in group.ramps {
                if ramp.end.x < ramp.start.x {
                    log.error(ramp.location ?? group.location, "ramp goes back in time: from x=\(Self.number(ramp.start.x)) to x=\(Self.number(ramp.end.x)); x is seconds since the start and must not decrease")
                }
                if let end = previousEnd, ramp.start.x < end {
                    log.error(ramp.location ?? group.location, "ramp starts at x=\(Self.number(ramp.start.x)), before the previous ramp ends (x=\(Self.number(end))): ramps follow each other in time")
                }
                let finite = [ramp.start.x, ramp.start.y, ramp.end.x, ramp.end.y].allSatisfy(\.isFinite)
                if !finite || ramp.start.y < 0 || ramp.end.y < 0 || ramp.start.x < 0 || max(ramp.start.y, ramp.end.y) > 10_000_000 || ramp.end.x > 1e9 {
                    log.error(ramp.location ?? group.location, "ramp points need 0 ≤ x ≤ 1000000000 (seconds) and 0 ≤ y ≤ 10000000 (sessions)")
                }
                previousEnd = ramp.end.x
            }
            if group.ramps.isEmpty {
                log.error(group.location, "group of behaviour '\(group.behavior)' has no ramp: add <ramp style=\"line\"><points>…</points></ramp>")
            }
        }
        if !scenario.groups.isEmpty {
            for behavior in scenario.behaviors where !grouped.contains(behavior.id) {
                log.warning(behavior.location, "behaviour '\(behavior.id)' is used by no group of the load profile: no session will run it")
            }
        }
    }

    static func list(_ names: [String]) -> String { names.isEmpty ? "none" : names.joined(separator: ", ") }

    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
