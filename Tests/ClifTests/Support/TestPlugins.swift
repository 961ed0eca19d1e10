import ClifCore
import Foundation
import Synchronization

/// `Wait`: a sample that takes `ms` on the engine's clock, and one that stalls while the clock
/// is inside a window (a server pause, without a server).
struct WaitPlugin: ScenarioPlugin {
    /// Calls that finish inside [stallStart, stallEnd) wait for stallEnd.
    var stall: ClosedRange<Int64>?

    let descriptor = PluginDescriptor(
        name: "Wait", summary: "test samples on the clock",
        samples: [OperationSpec("wait", "takes ms", [ParameterSpec("ms", "duration", required: true), ParameterSpec("type", "action type")])])

    func makeInstance(_ context: InstanceContext) throws -> any PluginInstance { Instance(stall: stall) }

    final class Instance: PluginInstance {
        let stall: ClosedRange<Int64>?
        init(stall: ClosedRange<Int64>?) { self.stall = stall }

        func sample(_ call: OperationCall, _ session: SessionContext) async -> SampleResult {
            let sent = session.now()
            var end = sent + Int64(Double(session.string("ms", of: call) ?? "0")! * 1e6)
            if let stall, stall.contains(end - session.testStart) { end = session.testStart + stall.upperBound }
            do { try await session.clock.sleep(until: end) } catch {
                return SampleResult(type: "wait", success: false, failure: "stopped", interrupted: true)
            }
            return SampleResult(type: session.string("type", of: call) ?? "wait", sent: sent, completed: session.now())
        }
    }
}

/// Waits until `condition` holds, yielding to the tasks under test; fails after `limit`
/// real seconds, so a broken engine fails the test instead of hanging it.
func eventually(_ what: String, limit: Double = 10, _ condition: () -> Bool) async throws {
    let clock = ContinuousClock()
    let deadline = clock.now + .milliseconds(Int(limit * 1000))
    while !condition() {
        if clock.now > deadline { throw TestFailure("timed out waiting for \(what)") }
        await Task.yield()
        try await Task.sleep(for: .microseconds(200))
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension Scenario {
    /// A scenario whose behaviour B0 loops on one `Wait.wait` of `ms`.
    static func waiting(_ ms: Double, loop: Bool = true) -> Scenario {
        let sample = Step.sample(OperationUse(use: "w", name: "wait", parameters: Parameters(["ms": String(ms)])))
        let steps: [Step] = loop ? [.whileLoop(OperationUse(use: "c", name: "true"), body: [sample])] : [sample]
        return Scenario(plugins: [PluginUse(id: "w", plugin: "Wait"), PluginUse(id: "c", plugin: "Common")],
                        behaviors: [Behavior(id: "B0", steps: steps)])
    }
}

func registry(stall: ClosedRange<Int64>? = nil) -> PluginRegistry {
    let registry = PluginRegistry()
    registry.register(WaitPlugin(stall: stall))
    return registry
}

/// Runs blocking work (waiting for a process, reading a pipe, a socket) on a thread of its
/// own, so that it never holds one of the few threads every test's tasks share.
func offThePool<Value: Sendable>(_ body: @escaping @Sendable () throws -> Value) async throws -> Value {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}
