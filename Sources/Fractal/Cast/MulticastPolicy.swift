/// Which of a multicast interface's servers receive one call (GCM's dispatch modes).
public enum MulticastPolicy: Sendable {
    /// Every server, in parallel. GCM's default.
    case broadcast
    /// One server, the next in bind order each call.
    case roundRobin
    /// One server, chosen at random.
    case random
    /// `replicas` servers (one by default), chosen from the key by rendezvous hashing: the
    /// same key reaches the same servers on every node and run, and unbinding a server moves
    /// only its keys.
    case byKey(String, replicas: Int = 1)
    /// The servers whose indices (in bind order) the function returns, given the server count.
    case custom(@Sendable (Int) -> [Int])
}
