import Fractal
import FractalNIO
@testable import FractalRemote
import Foundation
import Synchronization
import Testing

/// Counts how many of its calls run at once.
final class Meter: Echo {
    static let running = Mutex<(now: Int, most: Int)>((0, 0))

    func echo(_ value: Int) async throws -> Int { value }
    func slow(_ milliseconds: Int) async throws -> Int {
        Self.running.withLock { $0.now += 1; $0.most = max($0.most, $0.now) }
        defer { Self.running.withLock { $0.now -= 1 } }
        try await Task.sleep(for: .milliseconds(milliseconds))
        return milliseconds
    }
    func say(_ message: String) async throws {}
    func text(_ count: Int) async throws -> String { "" }
}

/// Records the request it is given; answers nothing.
final class Recorder: CallChannel {
    let request = Mutex<[UInt8]?>(nil)
    func send(_ request: [UInt8]) async throws -> [UInt8] {
        self.request.withLock { $0 = request }
        throw RemoteError(.connectionClosed, "recorded only")
    }
}

/// What one connection can make a node hold: calls in flight, and what a peer that sends
/// without reading leaves in memory.
@Suite(.serialized) struct BackpressureTests {
    static let registry: Registry = {
        let registry = Registry()
        registry.register(EchoProxy.self)
        registry.registerContent("remote.EchoImpl") { EchoImpl() }
        registry.registerContent("remote.Meter") { Meter() }
        return registry
    }()

    func node(_ name: String, _ options: PeerOptions) -> Node {
        Node(name: name, registry: Self.registry, transports: TransportRegistry([TCPTransport(authentication: .none)]), options: options)
    }

    @Test func callsBeyondTheBoundWaitInTheTransportAndAllAreAnsweredWithoutALoss() async throws {
        var options = PeerOptions()
        options.heartbeatInterval = .milliseconds(50)
        // Shorter than the whole burst: a side that stopped reading must not take that for a loss.
        options.lossTimeout = .milliseconds(600)
        options.maximumRequestsInFlight = 4
        let server = node("bounded", options)
        let address = try await server.listen(at: NodeAddress(parsing: "tcp://127.0.0.1:0"))
        let client = node("eager", options)
        let peer = try await client.connect(to: address)
        let control = try client.control(of: peer)
        _ = try await control.instantiate(RemoteWorld.plan("meter", content: "remote.Meter", interfaces: [
            InterfaceType(name: "e", signature: "remote.Echo", role: .server),
        ]), path: "meter")
        try await control.start("meter")
        let meter = try remoteProxy((any Echo).self, exportedAs: "meter#e", over: peer, registry: Self.registry)
        Meter.running.withLock { $0 = (0, 0) }

        let served = try #require(server.peer(named: "eager"))
        let most = Mutex(0)
        let watching = Task {
            while !Task.isCancelled {
                let now = served.requestsInFlight
                most.withLock { $0 = max($0, now) }
                try? await Task.sleep(for: .milliseconds(2))
            }
        }
        // 240 calls of 20 ms, 4 at a time: about 1.2 s, twice the loss timeout.
        let answers = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<240 { group.addTask { try await meter.slow(20) } }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        watching.cancel()
        #expect(answers.count == 240 && answers.allSatisfy { $0 == 20 })
        #expect(Meter.running.withLock { $0.most } == 4, "served 4 at a time, no more")
        #expect(most.withLock { $0 } <= 4)
        #expect(peer.isConnected && served.isConnected, "neither side took the other for lost")
        await client.shutdown()
        await server.shutdown()
    }

    /// A client that floods a node with slow requests and never reads: the node serves its
    /// maximum and stops reading, so the client can hand the network only so much, and the node
    /// still serves others.
    @Test func aPeerThatFloodsANodeIsHeldAtTheSocket() async throws {
        var options = TCPNodeTests.options
        options.lossTimeout = .seconds(30)
        options.maximumRequestsInFlight = 100
        let server = node("flooded", options)
        let component = try Component.primitive(
            "meter", type: ComponentType([InterfaceType(name: "e", signature: EchoProxy.self, role: .server)]), content: Meter())
        try server.host(component, at: "/meter")
        try await component.lifeCycleController.start()
        let address = try await server.listen(at: NodeAddress(parsing: "tcp://127.0.0.1:0"))
        let flood = try TCPRawClient(port: try #require(address.port))
        defer { flood.close() }
        try flood.send(Frame(.hello, payload: Hello(node: "flooder").encoded()).encoded())
        let greeting = await flood.readFrames(until: { $0.contains { $0.kind == .hello } }, timeout: .seconds(5))
        #expect(greeting.frames.first?.kind == .hello)

        // Calls that take 5 s, 64 per write, encoded as a proxy encodes them.
        let recorder = Recorder()
        _ = try? await remoteProxy((any Echo).self, exportedAs: "/meter#e", over: recorder, registry: Self.registry).slow(5_000)
        let call = try #require(recorder.request.withLock { $0 })
        var burst: [UInt8] = []
        for stream in 1...64 { burst += Frame(.request, stream: UInt64(stream), payload: call).encoded() }
        var accepted = 0, frames = 0
        var stalledSince: ContinuousClock.Instant?
        let deadline = ContinuousClock.now + .seconds(20)
        // Until the socket has taken nothing for 500 ms, or 1,000,000 frames, or 20 s.
        var unsent = burst[...]
        while ContinuousClock.now < deadline && frames < 1_000_000 {
            // The socket may take part of a burst: the rest goes first next time, so that
            // frames stay whole.
            let taken = flood.sendWithoutWaiting(Array(unsent))
            unsent = unsent.dropFirst(taken)
            if unsent.isEmpty { unsent = burst[...] }
            accepted += taken
            frames = accepted / (burst.count / 64)
            if taken == 0 {
                if stalledSince == nil { stalledSince = .now }
                if ContinuousClock.now - stalledSince! > .milliseconds(500) { break }
                try await Task.sleep(for: .milliseconds(5))
            } else {
                stalledSince = nil
            }
        }
        #expect(stalledSince != nil, "the node stopped taking requests (\(frames) frames, \(accepted) bytes taken)")
        #expect(accepted < 64 << 20, "what the network holds, not what a node would read without bound: \(accepted) bytes")
        let flooder = try #require(server.peer(named: "flooder"))
        #expect(flooder.requestsInFlight == 100, "served at most its maximum")

        // Another peer is served all along.
        let other = node("patient", options)
        let peer = try await other.connect(to: address)
        #expect(try await other.control(of: peer).info().name == "flooded")
        await other.shutdown()
        // Closing the connection cancels the calls it left in flight.
        flood.close()
        await flooder.closed()
        await server.shutdown()
    }
}
