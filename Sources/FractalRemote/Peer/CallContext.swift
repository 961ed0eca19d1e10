/// What a node knows of the call it is serving.
package enum CallContext {
    /// The node the call came from directly: the name its peer gave in the handshake (for a
    /// relayed call, the node that relayed it). Nil for a call made in this process.
    @TaskLocal package static var caller: String?
}
