/// A histogram encoding that cannot be read: why.
public struct HistogramDecodingError: Error, CustomStringConvertible, Sendable {
    public var description: String
    init(_ description: String) { self.description = description }
}
