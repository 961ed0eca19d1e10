/// A shard store that cannot do what was asked: a folder it cannot open, a write the disk
/// refused. Says which file and what the system answered.
public struct ShardStoreError: Error, CustomStringConvertible, Sendable {
    public var description: String

    public init(_ description: String) { self.description = description }
}
