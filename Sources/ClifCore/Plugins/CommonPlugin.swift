/// `Common`: the always-true condition, a sample that logs an action event with the fields it
/// is given, and alarms.
struct CommonPlugin: ScenarioPlugin {
    let descriptor = PluginDescriptor(
        name: "Common", summary: "conditions true/false/equals, a sample that writes the action event it is given, alarms",
        samples: [OperationSpec("log", "writes an action event with exactly these fields", [
            ParameterSpec("duration", "milliseconds (the event's duration)"), ParameterSpec("comment", "the event's comment"),
            ParameterSpec("result", "the event's result"), ParameterSpec("successful", "checkbox: enable; for a success"),
            ParameterSpec("iteration", "ignored: the engine numbers iterations"), ParameterSpec("type", "the action type (default: log)"),
        ])],
        controls: [OperationSpec("alarm", "raises an alarm", [ParameterSpec("message", "the alarm's text", required: true), ParameterSpec("severity", "0 info, 1 warning (default), 2 error, 3 fatal")])],
        conditions: [OperationSpec("true", "always holds"), OperationSpec("false", "never holds"),
                     OperationSpec("equals", "holds when two values are equal", [ParameterSpec("left", "a value", required: true), ParameterSpec("right", "a value", required: true)]),
                     OperationSpec("contains", "holds when a value contains another", [ParameterSpec("value", "a value", required: true), ParameterSpec("part", "what it must contain", required: true)])])

    func prepare(_ operation: PreparingOperation) throws -> (any Sendable)? {
        if operation.kind == .sample { try checkNumber(operation, "duration") }
        if operation.kind == .control { try checkNumber(operation, "severity") }
        return nil
    }

    func makeInstance(_ context: InstanceContext) throws -> any PluginInstance { Instance() }

    final class Instance: PluginInstance {
        func sample(_ call: OperationCall, _ session: SessionContext) async -> SampleResult {
            let duration = (try? session.milliseconds("duration", of: call)) ?? 0
            let successful = session.checkbox("successful", of: call, default: true)
            let result = session.string("result", of: call)
            return SampleResult(type: session.string("type", of: call) ?? "log", success: successful, comment: session.string("comment", of: call) ?? "",
                                result: result?.isEmpty == true ? nil : result, failure: successful ? nil : (result ?? "logged failure"), declaredDuration: duration)
        }

        func control(_ call: OperationCall, _ session: SessionContext) async throws {
            let severity = Int(session.string("severity", of: call)?.trimmedASCII ?? "") ?? 1
            session.alarm(session.string("message", of: call) ?? "", severity: min(max(severity, 0), 3))
        }

        func condition(_ call: OperationCall, _ session: SessionContext) async throws -> Bool {
            switch call.number {
            case 0: true
            case 1: false
            case 2: session.string("left", of: call) == session.string("right", of: call)
            default: (session.string("value", of: call) ?? "").contains(session.string("part", of: call) ?? "")
            }
        }
    }
}

import FractalXML
