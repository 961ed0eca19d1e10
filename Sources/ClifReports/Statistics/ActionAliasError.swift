/// An alias that cannot be used, said for a person.
public struct ActionAliasError: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
