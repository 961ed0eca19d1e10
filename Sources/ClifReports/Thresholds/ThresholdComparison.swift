/// How a threshold compares the measured value with its limit.
public enum ThresholdComparison: String, Sendable, Hashable, Codable, CaseIterable {
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="
    case equal = "=="
    case notEqual = "!="

    /// Whether `measured` passes against `limit`.
    public func holds(_ measured: Double, _ limit: Double) -> Bool {
        switch self {
        case .less: measured < limit
        case .lessOrEqual: measured <= limit
        case .greater: measured > limit
        case .greaterOrEqual: measured >= limit
        case .equal: measured == limit
        case .notEqual: measured != limit
        }
    }
}
