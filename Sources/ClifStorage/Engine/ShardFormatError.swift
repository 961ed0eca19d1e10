/// Bytes that are not what a shard format says: a damaged log record, a batch that does not
/// decode, a reply from a shard that answers garbage.
public struct ShardFormatError: Error, CustomStringConvertible, Sendable {
    public var description: String

    public init(_ description: String) { self.description = description }
}
