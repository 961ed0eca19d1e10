import ClifCore

/// A DSL element that stands for one step of a behaviour (``Sample``, ``Think``, ``Control``,
/// ``While``, ``Preemptive``, ``If``, ``NChoice``).
public protocol BehaviorStep {
    /// The step in the scenario model.
    var step: Step { get }
}
