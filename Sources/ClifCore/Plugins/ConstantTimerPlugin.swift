/// `ConstantTimer`: a fixed think time.
struct ConstantTimerPlugin: ScenarioPlugin {
    let descriptor = PluginDescriptor(
        name: "ConstantTimer", summary: "a fixed think time",
        parameters: [ParameterSpec("duration", "default duration, ms (1000)")],
        timers: [OperationSpec("sleep", "waits duration ms (the <use>'s when not given)", [ParameterSpec("duration", "ms")])])

    func prepare(_ operation: PreparingOperation) throws -> (any Sendable)? {
        try checkNumber(operation, "duration")
        return nil
    }

    func makeInstance(_ context: InstanceContext) throws -> any PluginInstance {
        let text = context.parameters.constant("duration")?.trimmedASCII ?? ""
        guard text.isEmpty || Double(text) != nil else { throw ScenarioError("ConstantTimer: duration must be a number of ms, not '\(text)'") }
        return Instance(duration: Int64((Double(text) ?? 1000) * 1e6))
    }

    final class Instance: PluginInstance {
        let duration: Int64
        init(duration: Int64) { self.duration = duration }

        func timer(_ call: OperationCall, _ session: SessionContext) async throws {
            let wait = call.parameters["duration"] == nil ? duration : try session.milliseconds("duration", of: call)
            try await session.sleep(nanoseconds: wait)
        }
    }
}

import FractalXML
