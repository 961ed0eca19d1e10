import ClifCore
import Foundation
import FractalXML

/// `Synchro`: CLIF's distributed locks, through the test's Synchro blade. Virtual users of
/// every injector notify and wait on the same named locks; a wait that the lock does not
/// satisfy in time, or whose Synchro blade cannot be reached, ends with an alarm: never a hang.
public struct SynchroPlugin: ScenarioPlugin {
    /// The Synchro blade's locks, when the injector is bound to one.
    let locks: (any SynchroLocks)?

    public init(locks: (any SynchroLocks)?) { self.locks = locks }

    public let descriptor = PluginDescriptor(
        name: "Synchro", summary: "distributed locks shared by every injector of the test (needs a Synchro blade in the test plan)",
        controls: [
            OperationSpec("notify", "adds a notification to a lock", [ParameterSpec("lock", "the lock's name", required: true)]),
            OperationSpec("waitN", "waits until a lock has had `times` notifications, at most `timeout` ms (then an alarm)",
                          [ParameterSpec("lock", "the lock's name", required: true), ParameterSpec("timeout", "ms (default 60000)"),
                           ParameterSpec("times", "notifications to wait for (default 1)")]),
            OperationSpec("rendez-vous", "notifies a lock, then waits until `times` sessions have come, at most `timeout` ms: a barrier of `times`",
                          [ParameterSpec("lock", "the lock's name", required: true), ParameterSpec("timeout", "ms (default 60000)"),
                           ParameterSpec("times", "sessions that meet (required)", required: true)]),
        ],
        conditions: [OperationSpec("wasNotifiedN", "holds once a lock has had `times` notifications",
                                   [ParameterSpec("times", "a whole number (default 1)"), ParameterSpec("lock", "the lock's name", required: true),
                                    ParameterSpec("options", "ignored (CLIF's GUI)")])])

    public func makeInstance(_ context: InstanceContext) throws -> any PluginInstance {
        guard let locks else {
            throw ScenarioError("Synchro needs a Synchro blade in the test plan (blade.N.injector=Synchro), bound to this injector")
        }
        return Instance(locks: locks)
    }

    /// Waits go to the blade in slices, so that no remote call outlives its deadline.
    static let slice = 1_000

    final class Instance: PluginInstance {
        let locks: any SynchroLocks
        init(locks: any SynchroLocks) { self.locks = locks }

        func control(_ call: OperationCall, _ session: SessionContext) async throws {
            let lock = try name(call, session)
            do {
                switch call.name {
                case "notify":
                    _ = try await locks.notify(lock)
                case "waitN":
                    let times = number("times", call, session) ?? 1
                    try await wait(lock, count: times, timeout: number("timeout", call, session) ?? 60_000, session)
                default:
                    // A barrier: round k is complete at k·times notifications.
                    guard let times = number("times", call, session), times > 0 else { throw ScenarioError("Synchro.rendez-vous needs times ≥ 1") }
                    let ticket = try await locks.notify(lock)
                    let round = (ticket + times - 1) / times
                    try await wait(lock, count: round * times, timeout: number("timeout", call, session) ?? 60_000, session)
                }
            } catch let error as ScenarioError {
                throw error
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                session.alarm("Synchro: lock '\(lock)': the Synchro blade cannot be reached (\(error))", severity: 2)
            }
        }

        func condition(_ call: OperationCall, _ session: SessionContext) async throws -> Bool {
            let lock = try name(call, session)
            do {
                return try await locks.count(lock) >= (number("times", call, session) ?? 1)
            } catch {
                session.alarm("Synchro: lock '\(lock)': the Synchro blade cannot be reached (\(error))", severity: 2)
                return false
            }
        }

        private func wait(_ lock: String, count: Int, timeout: Int, _ session: SessionContext) async throws {
            let clock = ContinuousClock()
            let deadline = clock.now + .milliseconds(timeout)
            while true {
                let left = deadline - clock.now
                let milliseconds = Int(left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000)
                let reached = try await locks.wait(lock, count: count, milliseconds: max(0, min(SynchroPlugin.slice, milliseconds)))
                if reached >= count { return }
                try Task.checkCancellation()
                if milliseconds <= 0 || clock.now >= deadline {
                    session.alarm("Synchro: waited \(timeout) ms for lock '\(lock)' to reach \(count) notifications; it has \(reached)", severity: 2)
                    return
                }
            }
        }

        private func name(_ call: OperationCall, _ session: SessionContext) throws -> String {
            guard let lock = session.string("lock", of: call)?.trimmedASCII, !lock.isEmpty else { throw ScenarioError("Synchro.\(call.name) needs a lock name") }
            return lock.hasSuffix(";") ? String(lock.dropLast()) : lock
        }

        private func number(_ parameter: String, _ call: OperationCall, _ session: SessionContext) -> Int? {
            session.string(parameter, of: call).flatMap { Int($0.trimmedASCII.trimmingCharacters(in: [";"])) }
        }
    }
}
