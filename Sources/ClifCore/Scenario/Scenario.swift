import FractalXML

/// A load test's script, as ISAC holds it: plug-in instances, behaviours, and the load profile
/// of each behaviour. Read from a `.xis` file (``ISAC``) or written in Swift (``ScenarioBuilder``);
/// ``CompiledScenario`` checks it against the registered plug-ins.
public struct Scenario: Sendable {
    /// Where files named by the scenario (properties, CSV) are looked up.
    public var directory: String
    public var plugins: [PluginUse]
    public var behaviors: [Behavior]
    /// ISAC's `<loadprofile>`: one group a behaviour; empty when the profile comes from elsewhere.
    public var groups: [PopulationGroup]
    public var location: SourceLocation?

    public init(directory: String = ".", plugins: [PluginUse] = [], behaviors: [Behavior] = [], groups: [PopulationGroup] = [], location: SourceLocation? = nil) {
        self.directory = directory
        self.plugins = plugins
        self.behaviors = behaviors
        self.groups = groups
        self.location = location
    }
}

/// `<use id="http" name="HttpInjector">`: an instance of a plug-in, one per session.
public struct PluginUse: Sendable {
    public var id: String
    public var plugin: String
    public var parameters: Parameters
    public var location: SourceLocation?

    public init(id: String, plugin: String, parameters: Parameters = Parameters(), location: SourceLocation? = nil) {
        self.id = id
        self.plugin = plugin
        self.parameters = parameters
        self.location = location
    }
}

/// `<behavior id="B0">`: what one virtual user does.
public struct Behavior: Sendable {
    public var id: String
    public var steps: [Step]
    public var location: SourceLocation?

    public init(id: String, steps: [Step], location: SourceLocation? = nil) {
        self.id = id
        self.steps = steps
        self.location = location
    }
}

/// A call on a plug-in instance: `<sample use="http" name="get">` and its parameters.
public struct OperationUse: Sendable {
    public var use: String
    public var name: String
    public var parameters: Parameters
    public var location: SourceLocation?

    public init(use: String, name: String, parameters: Parameters = Parameters(), location: SourceLocation? = nil) {
        self.use = use
        self.name = name
        self.parameters = parameters
        self.location = location
    }
}

/// One element of a behaviour.
public indirect enum Step: Sendable {
    /// A measured call: one action event.
    case sample(OperationUse)
    /// Think time, not measured.
    case timer(OperationUse)
    /// Changes a plug-in's state.
    case control(OperationUse)
    /// Repeats `body` while the condition holds.
    case whileLoop(OperationUse, body: [Step])
    /// Runs `body`, leaving it at the first step boundary where the condition no longer holds.
    case preemptive(OperationUse, body: [Step])
    case ifThen(OperationUse, then: [Step], else: [Step])
    /// Picks one choice at random, in proportion to the integer weights.
    case nchoice([Choice])

    public struct Choice: Sendable {
        public var weight: Int
        public var steps: [Step]
        public var location: SourceLocation?

        public init(weight: Int, steps: [Step], location: SourceLocation? = nil) {
            self.weight = weight
            self.steps = steps
            self.location = location
        }
    }
}
