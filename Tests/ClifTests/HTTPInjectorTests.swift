import Foundation
import ClifCore
import ClifHTTP
import ClifTesting
import NIOPosix
import Testing

/// The HTTP injector against real servers on 127.0.0.1: nginx started by the test, and a stub
/// server of our own that misbehaves on command.
@Suite("HTTP injector", .serialized)
struct HTTPInjectorTests {
    static let group = MultiThreadedEventLoopGroup.singleton

    static func plugins() -> PluginRegistry {
        let registry = PluginRegistry()
        HTTPInjectorPlugin.register(in: registry, group: group)
        return registry
    }

    /// B0: a loop of one request, with the given sample parameters and `<use>` parameters.
    static func scenario(base: String, sample: [String: String] = ["uri": "/index.html"], use: [String: String] = [:], method: String = "get", loop: Bool = true) -> Scenario {
        var parameters = use
        parameters["baseURL"] = base
        let request = Step.sample(OperationUse(use: "http", name: method, parameters: Parameters(sample)))
        return Scenario(plugins: [PluginUse(id: "http", plugin: "HttpInjector", parameters: Parameters(parameters)), PluginUse(id: "common", plugin: "Common")],
                        behaviors: [Behavior(id: "B0", steps: loop ? [.whileLoop(OperationUse(use: "common", name: "true"), body: [request])] : [request])])
    }

    static func closed(_ users: Int, for seconds: Double) -> LoadProfile {
        .closed([PopulationGroup(behavior: "B0", ramps: [Ramp(.line, from: .init(x: 0, y: Double(users)), to: .init(x: seconds, y: Double(users)))])])
    }

    static func run(_ scenario: Scenario, _ profile: LoadProfile, keepsEvents: Bool = false) async throws -> (RunStatistics, LoadEngine) {
        let compiled = try CompiledScenario(scenario, plugins: plugins())
        let engine = try LoadEngine(scenario: compiled, profile: profile,
                                    options: EngineOptions(executors: HTTPInjectorPlugin.executors(of: group), keepsEvents: keepsEvents))
        return (await engine.run(), engine)
    }

    @Test func closedRunCountsWhatNginxLogged() async throws {
        let nginx = try Nginx()
        let (statistics, _) = try await Self.run(Self.scenario(base: nginx.baseURL), Self.closed(8, for: 2))
        nginx.stop()
        let logged = try nginx.loggedRequests()
        let get = try #require(statistics.actions["GET"])
        #expect(get.errors == 0)
        #expect(get.calls > 100)
        #expect(UInt64(logged.count) == get.calls)
        #expect(logged.allSatisfy { $0 == "200 GET /index.html" })
    }

    @Test func openRunCountsWhatNginxLogged() async throws {
        let nginx = try Nginx()
        let profile = LoadProfile.open(OpenProfile(behavior: "B0", rate: .constant(400, for: 2), maxSessions: 64))
        let (statistics, _) = try await Self.run(Self.scenario(base: nginx.baseURL, loop: false), profile)
        nginx.stop()
        let logged = try nginx.loggedRequests()
        let get = try #require(statistics.actions["GET"])
        #expect(get.errors == 0)
        #expect(get.calls + statistics.dropped == 800)
        #expect(UInt64(logged.count) == get.calls)
    }

    @Test func latencyFromTheIntendedStartShowsAServerPause() async throws {
        let server = try await StubHTTPServer.start()
        defer { Task { await server.stop() } }
        let profile = LoadProfile.open(OpenProfile(behavior: "B0", rate: .constant(200, for: 10), maxSessions: 16))
        let compiled = try CompiledScenario(Self.scenario(base: server.baseURL, sample: ["uri": "/"], loop: false), plugins: Self.plugins())
        let engine = try LoadEngine(scenario: compiled, profile: profile, options: EngineOptions(executors: HTTPInjectorPlugin.executors(of: Self.group)))
        let run = Task { await engine.run() }
        try await eventually("3 s of load", limit: 30) { engine.elapsed >= 3 }
        server.pause(for: 1.5)
        let statistics = await run.value
        let get = try #require(statistics.actions["GET"])
        // Nothing left out: every arrival was sent, or dropped and counted; the server served
        // every call counted.
        #expect(get.calls + get.errors + statistics.dropped == 2_000)
        #expect(get.errors == 0)
        #expect(UInt64(server.served) == get.calls)
        #expect(get.latencyPercentile(99) > 1_000_000)
        #expect(get.servicePercentile(99) < 200_000)
    }

    @Test func aServerThatClosesEveryConnectionGivesFailedEvents() async throws {
        let server = try await StubHTTPServer.start(behavior: .closeEveryConnection)
        defer { Task { await server.stop() } }
        let (statistics, _) = try await Self.run(Self.scenario(base: server.baseURL, sample: ["uri": "/"]), Self.closed(2, for: 1))
        let get = try #require(statistics.actions["GET"])
        #expect(get.calls == 0)
        #expect(get.errors > 2)
        #expect(Set(get.errorsByKind.keys).isSubset(of: ["closed", "reset"]))
        #expect(statistics.elapsed < 5)
    }

    @Test func garbageIsABadResponse() async throws {
        let server = try await StubHTTPServer.start(behavior: .garbage)
        defer { Task { await server.stop() } }
        let (statistics, _) = try await Self.run(Self.scenario(base: server.baseURL, sample: ["uri": "/"]), Self.closed(1, for: 1))
        let get = try #require(statistics.actions["GET"])
        #expect(get.calls == 0)
        #expect(get.errorsByKind["bad response", default: 0] > 0)
    }

    @Test func aServerThatNeverAnswersTimesOutAndTheRunEndsOnTime() async throws {
        let server = try await StubHTTPServer.start(behavior: .silent)
        defer { Task { await server.stop() } }
        let scenario = Self.scenario(base: server.baseURL, sample: ["uri": "/"], use: ["responseTimeout": "200"])
        let (statistics, _) = try await Self.run(scenario, Self.closed(2, for: 1.1))
        let get = try #require(statistics.actions["GET"])
        #expect(get.calls == 0)
        // Each of the 2 sessions times out about every 200 ms until the end.
        #expect(get.errorsByKind["timeout", default: 0] >= 4)
        #expect(statistics.elapsed < 5)
    }

    @Test func aServerThatNeverAcceptsIsAConnectTimeoutAndTheRunEndsOnTime() async throws {
        let listener = try FullListener()
        defer { listener.close() }
        let scenario = Self.scenario(base: "http://127.0.0.1:\(listener.port)", sample: ["uri": "/"], use: ["connectTimeout": "200"])
        let (statistics, _) = try await Self.run(scenario, Self.closed(2, for: 1.1))
        let get = try #require(statistics.actions["GET"])
        #expect(get.calls == 0)
        // Each of the 2 sessions gives up connecting about every 200 ms until the end.
        #expect(get.errorsByKind["connect timeout", default: 0] >= 4)
        #expect(get.errors == get.errorsByKind["connect timeout", default: 0])
        #expect(statistics.elapsed < 5)
    }

    @Test func aRefusedConnectionIsAFailedEvent() async throws {
        let port = try Nginx.freePort()
        let (statistics, _) = try await Self.run(Self.scenario(base: "http://127.0.0.1:\(port)", sample: ["uri": "/"], loop: false), Self.closed(1, for: 0.5))
        let get = try #require(statistics.actions["GET"])
        #expect(get.errorsByKind["refused", default: 0] > 0)
    }

    @Test func checksAndExtractionWorkOnResponses() async throws {
        let nginx = try Nginx()
        defer { nginx.stop() }
        let scenario = Scenario(
            plugins: [PluginUse(id: "http", plugin: "HttpInjector", parameters: Parameters(["baseURL": nginx.baseURL])),
                      PluginUse(id: "x", plugin: "Extractor"), PluginUse(id: "common", plugin: "Common")],
            behaviors: [Behavior(id: "B0", steps: [
                .sample(OperationUse(use: "http", name: "get", parameters: Parameters(["uri": "/json", "type": "json", "checkBody": "ada", "checkHeader": "Content-Type: json"]))),
                .control(OperationUse(use: "x", name: "json", parameters: Parameters(["input": "${http:body}", "path": "$.user.id", "variable": "id"]))),
                .sample(OperationUse(use: "http", name: "get", parameters: Parameters(["uri": "/index.html?user=${x:id}", "type": "withID"]))),
                .sample(OperationUse(use: "http", name: "post", parameters: Parameters(["uri": "/echo", "body": "hi", "type": "post", "checkBody": "echo POST"]))),
                .sample(OperationUse(use: "http", name: "get", parameters: Parameters(["uri": "/missing", "type": "missing"]))),
                .sample(OperationUse(use: "http", name: "get", parameters: Parameters(["uri": "/index.html", "type": "wrongBody", "checkBody": "absent"]))),
            ])])
        let (statistics, engine) = try await Self.run(scenario, Self.closed(1, for: 0.3), keepsEvents: true)
        nginx.stop()
        #expect(statistics.actions["json"]!.errors == 0)
        #expect(statistics.actions["post"]!.errors == 0)
        #expect(statistics.actions["missing"]!.errorsByKind["status 404"]! > 0)
        #expect(statistics.actions["wrongBody"]!.errorsByKind["body check"]! > 0)
        let withID = engine.recorder.drainEvents().filter { $0.type == "withID" }
        #expect(!withID.isEmpty && withID.allSatisfy { $0.comment == "/index.html?user=42" })
        #expect(try nginx.loggedRequests().contains("200 GET /index.html?user=42"))
    }

    @Test func tlsToALocalServerIsVerifiedAgainstTheGivenRoots() async throws {
        let folder = NSTemporaryDirectory() + "clif-tls-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // A self-signed certificate for 127.0.0.1 (scripts/install-test-servers installs openssl).
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        openssl.arguments = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                             "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", folder + "/key.pem", "-out", folder + "/cert.pem"]
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        try #require(openssl.terminationStatus == 0)
        let server = try await StubHTTPServer.start(tls: (folder + "/cert.pem", folder + "/key.pem"))
        defer { Task { await server.stop() } }
        #expect(server.baseURL.hasPrefix("https://"))

        func get(_ use: [String: String]) async throws -> ActionStatistics {
            let (statistics, _) = try await Self.run(Self.scenario(base: server.baseURL, sample: ["uri": "/"], use: use), Self.closed(1, for: 0.3))
            return try #require(statistics.actions["GET"])
        }
        let trusted = try await get(["trustRoots": folder + "/cert.pem"])
        #expect(trusted.calls > 0 && trusted.errors == 0)
        let insecure = try await get(["insecure": "enable;"])
        #expect(insecure.calls > 0 && insecure.errors == 0)
        // The system's trust store does not know this certificate.
        let untrusted = try await get([:])
        #expect(untrusted.calls == 0 && untrusted.errorsByKind["tls", default: 0] > 0)
    }

    @Test func eachSessionKeepsItsOwnCookies() async throws {
        let nginx = try Nginx()
        defer { nginx.stop() }
        let scenario = Scenario(
            plugins: [PluginUse(id: "http", plugin: "HttpInjector", parameters: Parameters(["baseURL": nginx.baseURL])),
                      PluginUse(id: "common", plugin: "Common")],
            behaviors: [Behavior(id: "B0", steps: [
                .sample(OperationUse(use: "http", name: "get", parameters: Parameters(["uri": "/whoami", "type": "before", "checkBody": "cookie=\n"]))),
                .sample(OperationUse(use: "http", name: "get", parameters: Parameters(["uri": "/login", "type": "login"]))),
                .sample(OperationUse(use: "http", name: "get", parameters: Parameters(["uri": "/whoami", "type": "after", "checkBody": "cookie=sid=s2\n"]))),
            ])])
        // Four sessions at once, each on its own connection: each gets the cookie of its second request.
        let (statistics, _) = try await Self.run(scenario, .open(OpenProfile(behavior: "B0", rate: .constant(4, for: 1), maxSessions: 4, reuseSessions: false)))
        for type in ["before", "login", "after"] {
            let action = try #require(statistics.actions[type])
            #expect(action.calls == 4 && action.errors == 0, "\(type): \(action.errorsByKind)")
        }
    }
}

/// A port whose listener never accepts and whose accept queue is already full (backlog 0, one
/// connection of its own waiting), so the kernel drops every new SYN: a connect never completes.
final class FullListener: Sendable {
    let port: Int
    private let listening: Int32
    private let filler: Int32

    init() throws {
        let listening = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.listening = listening
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listening, $0, length) == 0 && listen(listening, 0) == 0 && getsockname(listening, $0, &length) == 0 }
        }
        guard bound else { throw TestFailure("cannot listen on 127.0.0.1: errno \(errno)") }
        port = Int(UInt16(bigEndian: address.sin_port))
        let filler = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.filler = filler
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(filler, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        guard connected else { throw TestFailure("cannot fill the accept queue: errno \(errno)") }
    }

    func close() {
        _ = Glibc.close(filler)
        _ = Glibc.close(listening)
    }
}
