import Synchronization

/// Serialises structural changes (bind, unbind, add, remove) across all components, so that
/// checks such as "no cycle" or "not bound" hold when the change is made.
enum Reconfiguration {
    private static let lock = Mutex(())

    static func perform<R>(_ body: () throws -> R) rethrows -> R {
        try lock.withLock { _ in try body() }
    }
}

extension Component {
    /// Throws unless the component is stopped; `operation` says what was refused.
    func requireStopped(_ operation: String, interface: String? = nil) throws {
        if gate.phase != .stopped {
            throw FractalError(.illegalLifeCycleState, component: path, interface: interface,
                               "cannot \(operation) while the component is started; stop it first")
        }
    }

    /// Every component below this one (this one included), each once, parents before children.
    var subtree: [Component] { members(withMembranes: false) }

    /// The subtree with the membranes of its members and what is inside them: what starts and
    /// stops together.
    var lifeCycleScope: [Component] { members(withMembranes: true) }

    private func members(withMembranes: Bool) -> [Component] {
        var result: [Component] = []
        var seen: Set<ObjectIdentifier> = []
        var stack: [Component] = [self]
        while let next = stack.popLast() {
            guard seen.insert(ObjectIdentifier(next)).inserted else { continue }
            result.append(next)
            let (children, membrane) = next.state.withLock { ($0.children, $0.membrane) }
            stack.append(contentsOf: children.reversed())
            if withMembranes, let membrane { stack.append(membrane) }
        }
        return result
    }

    /// Unbinds every client interface (and export) in the subtree, membranes included, so that
    /// bindings in a cycle (A↔B, a ring, a component bound to itself) no longer keep its
    /// components alive: for a node that forgets a component it hosted. The subtree must be
    /// stopped.
    package func unbindAll() throws {
        for member in lifeCycleScope {
            let names = member.state.withLock { Set($0.bindings.keys).union($0.remoteBindings.keys) }
            for name in names.sorted() { try member.bindingController.unbind(name) }
        }
    }

    var children: [Component] { state.withLock { $0.children } }
    var parents: [Component] { state.withLock { $0.parents.compactMap(\.component) } }
}
