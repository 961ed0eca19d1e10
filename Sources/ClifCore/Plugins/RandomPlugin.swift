#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `Random`: random think times and random dummy actions, from a distribution each session
/// sets (uniform by default, 0 to 1,000 ms).
struct RandomPlugin: ScenarioPlugin {
    let descriptor = PluginDescriptor(
        name: "Random", summary: "random think times and dummy actions (uniform, gaussian, negative-exponential)",
        parameters: [ParameterSpec("min", "default uniform minimum, ms (0)"), ParameterSpec("max", "default uniform maximum, ms (1000)")],
        samples: [OperationSpec("action", "waits a random time and reports it as a 'dummy action' event", [
            ParameterSpec("successful", "checkbox: enable; for a success"), ParameterSpec("comment", "the event's comment")])],
        timers: [OperationSpec("sleep", "waits a random time, not measured")],
        controls: [OperationSpec("setUniform", "uniform between min and max ms", [ParameterSpec("min", "ms", required: true), ParameterSpec("max", "ms", required: true)]),
                   OperationSpec("setGaussian", "gaussian (normal) around mean, cut at 0", [ParameterSpec("mean", "ms", required: true), ParameterSpec("deviation", "ms", required: true)]),
                   OperationSpec("setNegativeExponential", "negative exponential (Poisson arrivals) of this mean", [ParameterSpec("mean", "ms", required: true)])],
        variables: [""])

    func prepare(_ operation: PreparingOperation) throws -> (any Sendable)? {
        try checkNumber(operation, "min", "max", "mean", "deviation")
        if operation.kind == .control, operation.number == 0,
           let low = operation.parameters.constant("min").flatMap(Double.init), let high = operation.parameters.constant("max").flatMap(Double.init), high < low {
            throw ScenarioError("max (\(high)) is below min (\(low))", parameter: "max")
        }
        return nil
    }

    func makeInstance(_ context: InstanceContext) throws -> any PluginInstance {
        let low = context.parameters.constant("min").flatMap(Double.init) ?? 0
        let high = context.parameters.constant("max").flatMap(Double.init) ?? 1000
        return Instance(distribution: .uniform(low, high))
    }

    enum Distribution {
        case uniform(Double, Double)
        case gaussian(mean: Double, deviation: Double)
        case negativeExponential(mean: Double)

        /// A draw in milliseconds, never below 0.
        func draw(_ random: inout SessionRandom) -> Double {
            switch self {
            case .uniform(let low, let high): return low + (high - low) * random.unit()
            case .gaussian(let mean, let deviation):
                // Box–Muller.
                let u1 = max(random.unit(), .leastNonzeroMagnitude), u2 = random.unit()
                return max(0, mean + deviation * (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2))
            case .negativeExponential(let mean):
                return -mean * log(max(1 - random.unit(), .leastNonzeroMagnitude))
            }
        }
    }

    final class Instance: PluginInstance {
        var distribution: Distribution
        init(distribution: Distribution) { self.distribution = distribution }

        func sample(_ call: OperationCall, _ session: SessionContext) async -> SampleResult {
            let wait = Int64(distribution.draw(&session.random) * 1e6)
            let start = session.now()
            do { try await session.sleep(nanoseconds: wait) } catch {
                return .failed("dummy action", "stopped", sent: start)
            }
            let successful = session.checkbox("successful", of: call, default: true)
            return SampleResult(type: "dummy action", success: successful, comment: session.string("comment", of: call) ?? "",
                                failure: successful ? nil : "unsuccessful dummy action", sent: start, declaredDuration: wait)
        }

        func timer(_ call: OperationCall, _ session: SessionContext) async throws {
            try await session.sleep(nanoseconds: Int64(distribution.draw(&session.random) * 1e6))
        }

        func control(_ call: OperationCall, _ session: SessionContext) async throws {
            func number(_ name: String) throws -> Double { Double(try session.milliseconds(name, of: call)) / 1e6 }
            switch call.number {
            case 0: distribution = .uniform(try number("min"), try number("max"))
            case 1: distribution = .gaussian(mean: try number("mean"), deviation: try number("deviation"))
            default: distribution = .negativeExponential(mean: try number("mean"))
            }
        }

        func variable(_ name: String, _ session: SessionContext) -> String? {
            String(Int(distribution.draw(&session.random)))
        }
    }
}
