/// A plug-in type, as ISAC knows them: it declares what a scenario may call on it, checks and
/// prepares those calls once when the scenario is compiled, and makes one instance per session.
///
/// Register it by name in a ``PluginRegistry`` (as content classes are registered with Fractal's
/// `Registry`); a scenario's `<use id="…" name="PluginName">` then finds it.
///
/// Contract:
/// - The type is shared by every session and thread: it must be `Sendable` and keep no per-session
///   state. ``prepare(_:)`` is called once per operation of the scenario, before the load starts,
///   from any thread; what it returns is handed back to every call of that operation.
/// - ``makeInstance(_:)`` is called once per session, on the session's task, before its first step.
public protocol ScenarioPlugin: Sendable {
    /// What scenarios may call on the plug-in, for checking and for the documentation.
    var descriptor: PluginDescriptor { get }

    /// Checks an operation's parameters and prepares what its calls share (a parsed URL, a
    /// request's encoded head). Throw a ``ScenarioError`` that names the parameter at fault.
    /// The default returns nil.
    func prepare(_ operation: PreparingOperation) throws -> (any Sendable)?

    /// A new instance for a session, from the `<use>`'s parameters.
    func makeInstance(_ context: InstanceContext) throws -> any PluginInstance
}

extension ScenarioPlugin {
    public func prepare(_ operation: PreparingOperation) throws -> (any Sendable)? { nil }
}

/// One session's instance of a plug-in: it holds that session's state (its connection, its
/// variables, its random distribution).
///
/// Contract: an instance is used by its session only, one step at a time, on the session's task;
/// it needs no lock. Its methods are called only for operations of the kind the descriptor lists
/// (``OperationCall/number`` is the index in that list). A sample never throws: a failed call is a
/// ``SampleResult`` with `success == false`, so it is counted. Timers, controls and conditions
/// throw to abort the session (the error is raised as an alarm); a timer must return when its task
/// is cancelled (use ``SessionContext/sleep(nanoseconds:)``).
public protocol PluginInstance: AnyObject {
    func sample(_ call: OperationCall, _ session: SessionContext) async -> SampleResult
    func timer(_ call: OperationCall, _ session: SessionContext) async throws
    func control(_ call: OperationCall, _ session: SessionContext) async throws
    func condition(_ call: OperationCall, _ session: SessionContext) async throws -> Bool
    /// The value of `${id:name}`; an empty name asks for the plug-in's default value.
    func variable(_ name: String, _ session: SessionContext) -> String?
    /// The session ends: close what the instance holds.
    func close() async
}

extension PluginInstance {
    public func sample(_ call: OperationCall, _ session: SessionContext) async -> SampleResult {
        .failed(call.name, "\(call.name) is not a sample")
    }
    public func timer(_ call: OperationCall, _ session: SessionContext) async throws {
        throw ScenarioError("\(call.name) is not a timer")
    }
    public func control(_ call: OperationCall, _ session: SessionContext) async throws {
        throw ScenarioError("\(call.name) is not a control")
    }
    public func condition(_ call: OperationCall, _ session: SessionContext) async throws -> Bool {
        throw ScenarioError("\(call.name) is not a condition")
    }
    public func variable(_ name: String, _ session: SessionContext) -> String? { nil }
    public func close() async {}
}

/// What a plug-in type offers, by kind: each operation's name and parameters.
public struct PluginDescriptor: Sendable {
    public var name: String
    public var summary: String
    /// Parameters of the `<use>` element.
    public var parameters: [ParameterSpec]
    public var samples: [OperationSpec]
    public var timers: [OperationSpec]
    public var controls: [OperationSpec]
    public var conditions: [OperationSpec]
    /// Names `${id:…}` may ask for; `""` is the default value. Nil: any name (the plug-in checks).
    public var variables: [String]?

    public init(name: String, summary: String, parameters: [ParameterSpec] = [], samples: [OperationSpec] = [], timers: [OperationSpec] = [],
                controls: [OperationSpec] = [], conditions: [OperationSpec] = [], variables: [String]? = []) {
        self.name = name
        self.summary = summary
        self.parameters = parameters
        self.samples = samples
        self.timers = timers
        self.controls = controls
        self.conditions = conditions
        self.variables = variables
    }

    public func operations(_ kind: OperationKind) -> [OperationSpec] {
        switch kind {
        case .sample: samples
        case .timer: timers
        case .control: controls
        case .condition: conditions
        }
    }
}

public enum OperationKind: String, Sendable, CaseIterable {
    case sample, timer, control, condition
}

public struct OperationSpec: Sendable {
    public var name: String
    public var summary: String
    public var parameters: [ParameterSpec]

    public init(_ name: String, _ summary: String, _ parameters: [ParameterSpec] = []) {
        self.name = name
        self.summary = summary
        self.parameters = parameters
    }
}

public struct ParameterSpec: Sendable {
    public var name: String
    public var summary: String
    public var required: Bool

    public init(_ name: String, _ summary: String, required: Bool = false) {
        self.name = name
        self.summary = summary
        self.required = required
    }
}

/// An operation being checked, before the load.
public struct PreparingOperation: Sendable {
    public var kind: OperationKind
    public var number: Int
    public var name: String
    public var parameters: Parameters
    /// The `<use>`'s parameters of the instance the operation is called on.
    public var useParameters: Parameters
    /// The scenario's directory, for files it names.
    public var directory: String
}

/// The path of a file a scenario names: as given when absolute, else beside the scenario.
public func scenarioFile(_ name: String, in directory: String) -> String {
    name.hasPrefix("/") ? name : directory + "/" + name
}

/// What an instance is made from.
public struct InstanceContext: Sendable {
    public var useID: String
    public var parameters: Parameters
    public var directory: String
    public var sessionID: Int
    /// Shared by the instances of one `<use>` across sessions (a CSV file read once, a counter).
    public var shared: SharedPluginState
}

/// A call of a prepared operation.
public struct OperationCall: Sendable {
    public let kind: OperationKind
    /// The index of the operation in the descriptor's list for its kind.
    public let number: Int
    public let name: String
    public let parameters: Parameters
    /// What ``ScenarioPlugin/prepare(_:)`` returned.
    public let prepared: (any Sendable)?
    /// The sample's action type when the scenario does not say (`name`).
    public let defaultType: String
}

/// Lock-protected state shared by every session's instance of one `<use>`, made on first use.
public final class SharedPluginState: Sendable {
    private let storage = Mutex<[String: any Sendable]>([:])

    public init() {}

    /// The value under `key`, made by `make` the first time.
    public func value<T: Sendable>(_ key: String, _ make: () throws -> T) rethrows -> T {
        try storage.withLock { storage in
            if let value = storage[key] as? T { return value }
            let value = try make()
            storage[key] = value
            return value
        }
    }
}

import Synchronization
