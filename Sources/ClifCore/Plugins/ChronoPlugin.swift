/// `Chrono`: a stopwatch per session; `${chrono:}` is the milliseconds since `start`.
struct ChronoPlugin: ScenarioPlugin {
    let descriptor = PluginDescriptor(
        name: "Chrono", summary: "a stopwatch: ${id:} is the milliseconds since start",
        controls: [OperationSpec("start", "starts (or restarts) the stopwatch"), OperationSpec("stop", "freezes the elapsed time")],
        conditions: [OperationSpec("lessThan", "holds while the elapsed time is below a number of ms", [ParameterSpec("duration", "ms", required: true)])],
        variables: [""])

    func prepare(_ operation: PreparingOperation) throws -> (any Sendable)? {
        try checkNumber(operation, "duration")
        return nil
    }

    func makeInstance(_ context: InstanceContext) throws -> any PluginInstance { Instance() }

    final class Instance: PluginInstance {
        var started: Int64?
        var stopped: Int64?

        func control(_ call: OperationCall, _ session: SessionContext) async throws {
            if call.number == 0 {
                started = session.now()
                stopped = nil
            } else {
                stopped = session.now()
            }
        }

        func elapsed(_ session: SessionContext) -> Int64 {
            guard let started else { return 0 }
            return ((stopped ?? session.now()) - started) / 1_000_000
        }

        func condition(_ call: OperationCall, _ session: SessionContext) async throws -> Bool {
            elapsed(session) * 1_000_000 < (try session.milliseconds("duration", of: call))
        }

        func variable(_ name: String, _ session: SessionContext) -> String? { String(elapsed(session)) }
    }
}
