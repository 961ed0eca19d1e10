/// Fractal's `LifeCycleController`: starts and stops a component and its whole subtree,
/// membranes included (see ``MembraneController``).
///
/// New components are stopped. Starting checks that every mandatory client interface in the
/// subtree is bound (and, in composites, that mandatory server interfaces are exported from a
/// sub-component); nothing starts if one is not. Stopping closes the component to new calls
/// and waits for the calls in progress (and the calls they make inside the subtree) to finish.
/// Calls that arrive while a component is stopped wait for it to start again, up to its
/// ``ControllerDescription/callDeadline``.
public struct LifeCycleController: Sendable {
    public let component: Component

    public var state: LifeCycleState {
        component.gate.phase == .started ? .started : .stopped
    }

    /// Calls that arrived while the component was not started and wait for it to start (each
    /// up to its call deadline).
    public var callsWaiting: Int { component.gate.callsWaiting }

    /// Starts the component and every component below it.
    ///
    /// - Throws: ``FractalError/Kind/mandatoryInterfaceUnbound`` (nothing is started), or
    ///   ``FractalError/Kind/lifeCycleHookFailed`` when content's ``LifeCycleAware/started()``
    ///   throws (the subtree is stopped again).
    public func start() async throws {
        try await component.lifeCycleLock.withLock {
            // Checked and opened under the reconfiguration lock: an unbind (or remove) made at
            // the same time either comes first, and the check sees it, or finds the subtree
            // started and is refused.
            let starting = try Reconfiguration.perform {
                let subtree = component.lifeCycleScope
                for member in subtree { try member.checkMandatoryBindings() }
                let starting = subtree.filter { $0.gate.phase != .started }
                for member in starting.reversed() { member.gate.open() }
                return starting
            }
            for member in starting {
                guard let aware = member.content as? any LifeCycleAware else { continue }
                do {
                    try await aware.started()
                } catch {
                    await Self.stop(starting)
                    throw FractalError(.lifeCycleHookFailed, component: member.path,
                                       "the content failed to start: \(error); the component was stopped again")
                }
            }
        }
    }

    /// Stops the component and every component below it, once the calls in progress are done.
    public func stop() async throws {
        await component.lifeCycleLock.withLock {
            await Self.stop(component.lifeCycleScope.filter { $0.gate.phase == .started })
        }
    }

    private static func stop(_ members: [Component]) async {
        for member in members { member.gate.close() }
        // A drained member may still receive a call from a member that has not drained yet
        // (work in progress calling a sibling): drain until all are idle at once.
        repeat {
            await withTaskGroup(of: Void.self) { group in
                for member in members { group.addTask { await member.gate.drain() } }
            }
        } while members.contains { $0.gate.callsInProgress > 0 }
        for member in members { member.gate.markStopped() }
        for member in members {
            if let aware = member.content as? any LifeCycleAware { await aware.stopped() }
        }
    }
}

extension Component {
    public var lifeCycleController: LifeCycleController { LifeCycleController(component: self) }

    /// Throws for the first mandatory interface that start would leave unconnected.
    func checkMandatoryBindings() throws {
        let bound: Set<String> = state.withLock { state in
            Set(state.bindings.filter { !$0.value.isEmpty }.keys).union(state.remoteBindings.filter { !$0.value.isEmpty }.keys)
        }
        for interfaceType in type.interfaceTypes where !interfaceType.isOptional {
            switch interfaceType.role {
            case .client:
                let isBound = interfaceType.isCollection
                    ? bound.contains { $0.hasPrefix(interfaceType.name) }
                    : bound.contains(interfaceType.name)
                if !isBound {
                    throw FractalError(.mandatoryInterfaceUnbound, component: path, interface: interfaceType.name,
                                       "cannot start: mandatory client interface '\(interfaceType.name)' is not bound")
                }
            case .server where isComposite:
                if !bound.contains(interfaceType.name) {
                    throw FractalError(.mandatoryInterfaceUnbound, component: path, interface: interfaceType.name,
                                       "cannot start: mandatory server interface '\(interfaceType.name)' of the composite is not exported from a sub-component")
                }
            case .server:
                break
            }
        }
    }
}
