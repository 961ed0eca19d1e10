import ClifCore
import FractalXML

extension OperationUse {
    /// An operation written in Swift: it and each of its parameters are located at the call.
    init(_ use: String, _ name: String, _ parameters: [String: String], at location: SourceLocation) {
        self.init(use: use, name: name, parameters: Parameters(located: parameters.map { ($0.key, $0.value, location) }), location: location)
    }
}
