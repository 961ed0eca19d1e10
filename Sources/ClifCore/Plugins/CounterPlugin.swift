import Synchronization

/// `Counter`: a whole number per session, or one shared by all sessions of the `<use>`.
struct CounterPlugin: ScenarioPlugin {
    let descriptor = PluginDescriptor(
        name: "Counter", summary: "a counter, per session or shared: ${id:} is its value",
        parameters: [ParameterSpec("start", "first value (0)"), ParameterSpec("step", "added by increment (1)"),
                     ParameterSpec("shared", "checkbox: enable; for one counter shared by all sessions")],
        controls: [OperationSpec("increment", "adds step"), OperationSpec("reset", "back to start")],
        conditions: [OperationSpec("lessThan", "holds while the value is below a number", [ParameterSpec("value", "a whole number", required: true)])],
        variables: [""])

    func prepare(_ operation: PreparingOperation) throws -> (any Sendable)? {
        for name in ["start", "step"] {
            if let text = operation.useParameters.constant(name)?.trimmedASCII, !text.isEmpty, Int(text) == nil {
                throw ScenarioError("Counter: '\(name)' must be a whole number, not '\(text)'")
            }
        }
        if let text = operation.parameters.constant("value")?.trimmedASCII, Int(text) == nil {
            throw ScenarioError("'value' must be a whole number, not '\(text)'", parameter: "value")
        }
        return nil
    }

    func makeInstance(_ context: InstanceContext) throws -> any PluginInstance {
        let start = Int(context.parameters.constant("start")?.trimmedASCII ?? "") ?? 0
        let step = Int(context.parameters.constant("step")?.trimmedASCII ?? "") ?? 1
        let shared = ParameterValue.isChecked(context.parameters.constant("shared") ?? "")
        let cell = shared ? context.shared.value("counter") { Cell(start) } : Cell(start)
        return Instance(cell: cell, start: start, step: step)
    }

    final class Cell: Sendable {
        let value: Atomic<Int>
        init(_ value: Int) { self.value = Atomic(value) }
    }

    final class Instance: PluginInstance {
        let cell: Cell
        let start: Int
        let step: Int
        init(cell: Cell, start: Int, step: Int) {
            self.cell = cell
            self.start = start
            self.step = step
        }

        func control(_ call: OperationCall, _ session: SessionContext) async throws {
            if call.number == 0 { cell.value.add(step, ordering: .relaxed) } else { cell.value.store(start, ordering: .relaxed) }
        }

        func condition(_ call: OperationCall, _ session: SessionContext) async throws -> Bool {
            guard let text = session.string("value", of: call)?.trimmedASCII, let limit = Int(text) else {
                throw ScenarioError("Counter.lessThan: 'value' is not a whole number")
            }
            return cell.value.load(ordering: .relaxed) < limit
        }

        func variable(_ name: String, _ session: SessionContext) -> String? { String(cell.value.load(ordering: .relaxed)) }
    }
}

import FractalXML
