import Fractal
import Synchronization
import Testing

@Suite struct LifeCycleTests {
    // MARK: Initial state and start checks

    @Test func newComponentsAreStopped() throws {
        let (server, _) = try World.server("fresh")
        let (client, _) = try World.client("freshClient")
        let composite = try World.composite("freshComposite")
        #expect(server.lifeCycleController.state == .stopped)
        #expect(client.lifeCycleController.state == .stopped)
        #expect(composite.lifeCycleController.state == .stopped)
    }

    @Test func startWithUnboundMandatoryClientFailsAndStaysStopped() async throws {
        let (client, _) = try World.client("lonely")
        await expectLifeCycleError(.mandatoryInterfaceUnbound, component: "/lonely", interface: "s") {
            try await client.lifeCycleController.start()
        }
        #expect(client.lifeCycleController.state == .stopped)
    }

    @Test func startWithUnboundMandatoryClientDeepInACompositeFailsAndStartsNothing() async throws {
        let outer = try World.composite("outer")
        let middle = try World.composite("middle")
        try outer.contentController.add(middle)
        let (deep, _) = try World.client("deep")
        try middle.contentController.add(deep)
        let (sibling, siblingContent) = try World.server("sibling")
        try outer.contentController.add(sibling)

        await expectLifeCycleError(.mandatoryInterfaceUnbound, component: "/outer/middle/deep", interface: "s") {
            try await outer.lifeCycleController.start()
        }
        for component in [outer, middle, deep, sibling] {
            #expect(component.lifeCycleController.state == .stopped, "\(component.path)")
        }
        #expect(siblingContent.events.withLock { $0 }.isEmpty)
    }

    @Test func startOfCompositeWhoseMandatoryServerInterfaceIsNotExportedFails() async throws {
        let app = try World.composite("unexported", [World.mainType("m")])
        let (client, server, _) = try World.boundPair(in: app)

        await expectLifeCycleError(.mandatoryInterfaceUnbound, component: "/unexported", interface: "m") {
            try await app.lifeCycleController.start()
        }
        for component in [app, client, server] {
            #expect(component.lifeCycleController.state == .stopped, "\(component.path)")
        }
    }

    @Test func anUnbindRacingAStartNeverLeavesAStartedComponentUnbound() async throws {
        var started = 0, unbound = 0
        for _ in 0..<300 {
            let (client, server, _) = try World.boundPair()
            async let starting: Bool = { do { try await client.lifeCycleController.start(); return true } catch { return false } }()
            async let unbinding: Bool = { do { try client.bindingController.unbind("s"); return true } catch { return false } }()
            let (didStart, didUnbind) = await (starting, unbinding)
            #expect(didStart != didUnbind, "exactly one of start and unbind wins")
            if client.lifeCycleController.state == .started {
                #expect(try client.bindingController.lookup("s") === (try server.interface(named: "s")))
                started += 1
            } else {
                #expect(try client.bindingController.lookup("s") == nil)
                unbound += 1
            }
            try await client.lifeCycleController.stop()
        }
        #expect(started + unbound == 300)
    }

    @Test func optionalUnboundClientDoesNotPreventStart() async throws {
        let (client, _) = try World.client("relaxed", optional: true)
        try await client.lifeCycleController.start()
        #expect(client.lifeCycleController.state == .started)
    }

    // MARK: Recursion

    @Test func startIsRecursiveOverTheSubtree() async throws {
        let (top, all) = try nestedWorld("recursiveStart")
        try await top.lifeCycleController.start()
        for component in all {
            #expect(component.lifeCycleController.state == .started, "\(component.path)")
        }
    }

    @Test func stopIsRecursiveOverTheSubtree() async throws {
        let (top, all) = try nestedWorld("recursiveStop")
        try await top.lifeCycleController.start()
        try await top.lifeCycleController.stop()
        for component in all {
            #expect(component.lifeCycleController.state == .stopped, "\(component.path)")
        }
    }

    @Test func startingAStartedComponentIsHarmless() async throws {
        let (server, content) = try World.server("twice")
        try await server.lifeCycleController.start()
        try await server.lifeCycleController.start()
        #expect(server.lifeCycleController.state == .started)
        #expect(content.events.withLock { $0 } == ["started"])
        try await server.interface(named: "s").callable(as: (any Service).self).print("still works")
        #expect(content.printed.withLock { $0 } == ["still works"])
    }

    @Test func stoppingAStoppedComponentIsHarmless() async throws {
        let (server, content) = try World.server("neverStarted")
        try await server.lifeCycleController.stop()
        #expect(server.lifeCycleController.state == .stopped)
        #expect(content.events.withLock { $0 }.isEmpty)
        try await server.lifeCycleController.start()
        #expect(server.lifeCycleController.state == .started)
    }

    // MARK: Calls and the lifecycle

    @Test func stopWaitsForCallsInProgress() async throws {
        let (server, content) = try World.server("busy")
        content.delay.value = 150
        let entries = Entries()
        try server.interceptorController.add(entries, to: "s")
        try await server.lifeCycleController.start()
        let service = try server.interface(named: "s").callable(as: (any Service).self)

        let call = Task { try await service.print("slow") }
        #expect(await eventually { entries.count > 0 }, "the call never entered the component")
        try await server.lifeCycleController.stop()

        #expect(content.printed.withLock { $0 } == ["slow"], "stop returned before the call in progress completed")
        #expect(server.lifeCycleController.state == .stopped)
        try await call.value
    }

    @Test func callToStoppedComponentWaitsUntilItIsStarted() async throws {
        let (server, content) = try World.server("late")
        let service = try server.interface(named: "s").callable(as: (any Service).self)

        let call = Task { () async throws -> Int in
            try await service.print("waited")
            return try await service.echo(42)
        }
        // Seen waiting at the gate, not merely not yet arrived.
        #expect(await eventually { server.lifeCycleController.callsWaiting == 1 }, "the call never waited at the stopped component")
        #expect(content.printed.withLock { $0 }.isEmpty, "a call reached a stopped component")

        try await server.lifeCycleController.start()
        #expect(try await call.value == 42)
        #expect(content.printed.withLock { $0 } == ["waited"])
    }

    @Test func callToStoppedComponentFailsAfterItsCallDeadline() async throws {
        let (server, content) = try World.server(
            "sleepy", controller: ControllerDescription(.primitive, callDeadline: .milliseconds(200)))
        let service = try server.interface(named: "s").callable(as: (any Service).self)

        await expectLifeCycleError(.callDeadlineExceeded, component: "/sleepy", interface: "s") {
            try await service.print("never")
        }
        #expect(content.printed.withLock { $0 }.isEmpty)
    }

    @Test func cancellingAWaitingCallThrowsCancellationError() async throws {
        let (server, content) = try World.server(
            "abandoned", controller: ControllerDescription(.primitive, callDeadline: .seconds(1)))
        let service = try server.interface(named: "s").callable(as: (any Service).self)

        let call = Task { try await service.print("cancelled") }
        #expect(await eventually { server.lifeCycleController.callsWaiting == 1 }, "the call never waited at the stopped component")
        call.cancel()

        let result = await call.result
        switch result {
        case .success:
            Issue.record("the cancelled call succeeded on a stopped component")
        case .failure(let error):
            #expect(error is CancellationError, "expected CancellationError, got \(error)")
        }
        #expect(content.printed.withLock { $0 }.isEmpty)
        #expect(server.lifeCycleController.callsWaiting == 0)
    }

    @Test func lifeCycleHooksRunOnStartAndStop() async throws {
        let (server, content) = try World.server("hooked")
        #expect(content.events.withLock { $0 }.isEmpty)
        try await server.lifeCycleController.start()
        #expect(content.events.withLock { $0 } == ["started"])
        try await server.lifeCycleController.stop()
        #expect(content.events.withLock { $0 } == ["started", "stopped"])
    }

    @Test func failingStartedHookMakesStartThrowAndLeavesItStopped() async throws {
        let component = try Component.primitive(
            "refuser", type: ComponentType([World.serverType()]), content: RefusesToStart())

        await expectLifeCycleError(.lifeCycleHookFailed, component: "/refuser", interface: nil) {
            try await component.lifeCycleController.start()
        }
        #expect(component.lifeCycleController.state == .stopped)
    }

    @Test func failingStartedHookInACompositeLeavesTheWholeSubtreeStopped() async throws {
        let app = try World.composite("fragile")
        let refuser = try Component.primitive(
            "refuser", type: ComponentType([World.serverType()]), content: RefusesToStart())
        try app.contentController.add(refuser)
        let (client, server, _) = try World.boundPair(in: app)

        await expectLifeCycleError(.lifeCycleHookFailed, component: "/fragile/refuser", interface: nil) {
            try await app.lifeCycleController.start()
        }
        for component in [app, refuser, client, server] {
            #expect(component.lifeCycleController.state == .stopped, "\(component.path)")
        }
    }

    @Test func stoppingACompositeDuringASubComponentCallIntoASiblingDrainsWithoutDeadlock() async throws {
        let app = try World.composite("draining", [World.mainType("m")])
        let (client, server, content) = try World.boundPair(in: app)
        try app.bindingController.bind("m", to: client.interface(named: "m"))
        content.delay.value = 150
        let entries = Entries()
        try server.interceptorController.add(entries, to: "s")
        try await app.lifeCycleController.start()
        let main = try app.interface(named: "m").callable(as: (any Main).self)

        let call = Task { try await main.run() }
        #expect(await eventually { entries.count > 0 }, "the sub-component's call never reached its sibling")
        let stop = Task { try await app.lifeCycleController.stop() }

        let stopped = await outcome(of: stop, within: .seconds(2))
        #expect(stopped != nil, "stop did not return: the composite deadlocked on its own call")
        if case .failure(let error) = stopped { Issue.record("stop failed: \(error)") }
        let ran = await outcome(of: call, within: .seconds(2))
        #expect(try ran?.get() == "ran")
        #expect(content.printed.withLock { $0 } == ["hello"])
        for component in [app, client, server] {
            #expect(component.lifeCycleController.state == .stopped, "\(component.path)")
        }
    }

    @Test func stoppingACompositeDrainsACallASubComponentMakesAfterStopBegan() async throws {
        let app = try World.composite("drainingLate", [World.mainType("m")])
        let caller = try Component.primitive(
            "caller", type: ComponentType([World.mainType(), World.clientType()]), content: CallsLate())
        let (server, content) = try World.server()
        try app.contentController.add(caller)
        try app.contentController.add(server)
        try caller.bindingController.bind("s", to: server.interface(named: "s"))
        try app.bindingController.bind("m", to: caller.interface(named: "m"))
        let entries = Entries()
        try caller.interceptorController.add(entries, to: "m")
        try await app.lifeCycleController.start()
        let main = try app.interface(named: "m").callable(as: (any Main).self)

        let call = Task { try await main.run() }
        #expect(await eventually { entries.count > 0 }, "the call never reached the sub-component")
        // The caller is still sleeping: it calls its sibling only after the stop has begun.
        let stop = Task { try await app.lifeCycleController.stop() }

        let stopped = await outcome(of: stop, within: .seconds(2))
        #expect(stopped != nil, "stop did not return: the composite deadlocked on its own call")
        let ran = await outcome(of: call, within: .milliseconds(500))
        #expect(ran != nil, "the call did not finish")
        if case .failure(let error) = ran { Issue.record("the call failed: \(error)") }
        #expect(content.printed.withLock { $0 } == ["late"])
    }

    @Test func callsResumeAfterStopAndStart() async throws {
        let (server, content) = try World.server("restarted")
        let service = try server.interface(named: "s").callable(as: (any Service).self)
        try await server.lifeCycleController.start()
        try await service.print("one")
        try await server.lifeCycleController.stop()
        try await server.lifeCycleController.start()
        try await service.print("two")
        #expect(try await service.echo(7) == 7)
        #expect(content.printed.withLock { $0 } == ["one", "two"])
        #expect(content.events.withLock { $0 } == ["started", "stopped", "started"])
    }

    @Test func callsThroughACompositeWorkOnceStarted() async throws {
        let app = try World.composite("exporting", [World.mainType("m")])
        let (client, _, content) = try World.boundPair(in: app)
        try app.bindingController.bind("m", to: client.interface(named: "m"))
        try await app.lifeCycleController.start()
        #expect(try await app.interface(named: "m").callable(as: (any Main).self).run() == "ran")
        #expect(content.printed.withLock { $0 } == ["hello"])
    }

    @Test func sharedComponentIsStartedByStartingEitherParent() async throws {
        let first = try World.composite("first")
        let second = try World.composite("second")
        let (shared, _) = try World.server("shared")
        try first.contentController.add(shared)
        try second.contentController.add(shared)

        try await first.lifeCycleController.start()
        #expect(shared.lifeCycleController.state == .started)
        try await first.lifeCycleController.stop()
        #expect(shared.lifeCycleController.state == .stopped)

        try await second.lifeCycleController.start()
        #expect(shared.lifeCycleController.state == .started)
        #expect(first.lifeCycleController.state == .stopped)
    }
}

// MARK: - Helpers of this file

/// `top` ⊃ { client → server, inner ⊃ { leaf } }, and every component of it.
private func nestedWorld(_ name: String) throws -> (top: Component, all: [Component]) {
    let top = try World.composite(name)
    let (client, server, _) = try World.boundPair(in: top)
    let inner = try World.composite("inner")
    try top.contentController.add(inner)
    let (leaf, _) = try World.server("leaf")
    try inner.contentController.add(leaf)
    return (top, [top, client, server, inner, leaf])
}

/// Checks that `body` throws a FractalError of `kind` about `component` and `interface`.
private func expectLifeCycleError(
    _ kind: FractalError.Kind, component: String, interface: String?,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () async throws -> Void
) async {
    guard let error = await fractalError(body) else {
        Issue.record("expected a FractalError of kind \(kind), got none", sourceLocation: sourceLocation)
        return
    }
    #expect(error.kind == kind, "\(error)", sourceLocation: sourceLocation)
    #expect(error.component == component, "\(error)", sourceLocation: sourceLocation)
    if let interface {
        #expect(error.interface == interface, "\(error)", sourceLocation: sourceLocation)
    }
    #expect(error.description.contains(component), "\(error)", sourceLocation: sourceLocation)
}

/// Polls `condition` until it holds, for at most `limit`.
private func eventually(within limit: Duration = .seconds(1), _ condition: () -> Bool) async -> Bool {
    let clock = ContinuousClock()
    let end = clock.now + limit
    while clock.now < end {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(5))
    }
    return condition()
}

/// The result of `task`, or nil when it has not finished within `limit` (the task goes on).
private func outcome<R: Sendable>(of task: Task<R, any Error>, within limit: Duration) async -> Result<R, any Error>? {
    let once = ResumeOnce<Result<R, any Error>?>()
    return await withCheckedContinuation { continuation in
        once.set(continuation)
        Task { once.resume(await task.result) }
        Task {
            try? await Task.sleep(for: limit)
            once.resume(nil)
        }
    }
}

/// Resumes a continuation with the first value given to it.
private final class ResumeOnce<T: Sendable>: Sendable {
    private let slot = Mutex<CheckedContinuation<T, Never>?>(nil)

    func set(_ continuation: CheckedContinuation<T, Never>) {
        slot.withLock { $0 = continuation }
    }

    func resume(_ value: T) {
        slot.withLock { $0.take() }?.resume(returning: value)
    }
}

/// Counts the calls that entered a server interface.
private final class Entries: Interceptor {
    private let entered = Mutex(0)
    var count: Int { entered.withLock { $0 } }

    func intercept(_ invocation: Invocation, proceed: () async throws -> any Sendable) async throws -> any Sendable {
        entered.withLock { $0 += 1 }
        return try await proceed()
    }
}

private struct StartRefused: Error {}

/// Serves Service, but refuses to start.
private final class RefusesToStart: Service, LifeCycleAware {
    func print(_ message: String) async throws {}
    func echo(_ value: Int) async throws -> Int { value }
    func started() async throws { throw StartRefused() }
}

/// Serves Main by calling its Service a while after the call arrived.
private final class CallsLate: Main {
    let s = Client<any Service>("s")

    func run() async throws -> String {
        try await Task.sleep(for: .milliseconds(150))
        try await s().print("late")
        return "late"
    }
}
