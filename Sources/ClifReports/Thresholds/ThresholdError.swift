/// A threshold expression that cannot be used: the expression, where it goes wrong, and the
/// forms that are accepted. Thrown by ``Threshold/init(_:)`` so that a caller can refuse
/// before any load starts.
public struct ThresholdError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The expression as given.
    public var expression: String
    /// The character where the problem is, from 1.
    public var column: Int
    public var message: String

    public init(expression: String, column: Int, message: String) {
        self.expression = expression
        self.column = column
        self.message = message
    }

    /// `threshold 'p99x < 200ms', column 1: unknown metric 'p99x' (…)`.
    public var description: String { "threshold '\(expression)', column \(column): \(message)" }
}
