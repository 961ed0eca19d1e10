extension TestCluster {
    /// Where a cluster's nodes run.
    public enum Mode: Sendable, Hashable, CustomStringConvertible {
        /// `Node`s in this process over one `MemoryTransport` (`mem://n1`): fast, no sockets.
        case inMemory
        /// `Node`s in this process over TCP on 127.0.0.1, each on a port of its choosing.
        case tcp
        /// Node processes on this machine, `<nodeCommand> --listen tcp://127.0.0.1:0 --name NAME`,
        /// reached at the address each announces (`node NAME listening at ADDRESS`): for the
        /// `fractal` executable, `[path, "node"]`. They host only the content classes compiled
        /// into that executable.
        case processes(nodeCommand: [String])

        public var description: String {
            switch self {
            case .inMemory: "in memory"
            case .tcp: "over TCP"
            case .processes(let command): "as processes (\(command.joined(separator: " ")))"
            }
        }
    }
}
