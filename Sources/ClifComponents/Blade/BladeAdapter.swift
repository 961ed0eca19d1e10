import ClifCore
import Fractal
import Foundation
import Synchronization

/// The content of a blade's adapter (`ADL/clif/Blade.fractal`): CLIF's insert adapter. It
/// serves the blade's ``BladeControl`` to the supervisor, keeps the blade's state, and drives
/// the insert, the data collector and the storage proxy.
public final class BladeAdapter: BladeControl {
    /// The blade's id (its report folder).
    public let id = Attribute("id", "")
    /// The test plan's server the blade runs on (its `server.prop` says so as `clif.server`).
    public let server = Attribute("server", "local host")
    /// The injectors sharing one load (the same scenario): "" for a group of its own.
    public let group = Attribute("group", "")
    public let insert = Client<any Insert>("insert")
    public let collector = Client<any CollectorControl>("collector")
    public let proxy = Client<any StorageProxyControl>("proxy")

    private struct Run {
        var state: BladeState = .deployed
        var stopping = false
        var failure: String?
        var end: Task<BladeState, Never>?
    }

    private let run = Mutex(Run())

    public init() {}

    public static func register(in registry: Registry = .shared) {
        registry.register(BladeControlProxy.self)
        registry.register(InsertProxy.self)
        registry.register(CollectorControlProxy.self)
        registry.register(StorageProxyControlProxy.self)
        registry.registerContent("clif.BladeAdapter") { BladeAdapter() }
    }

    public func initialize(_ test: TestInfo) async throws -> BladeInfo {
        try move(from: [.deployed, .initialized, .completed, .stopped, .aborted], to: .initializing)
        do {
            let types = try await insert().prepare()
            set(.initialized)
            var properties = Self.serverProperties()
            properties["clif.server"] = server.value
            return BladeInfo(id: id.value, eventTypes: types, server: properties, group: group.value.isEmpty ? nil : group.value)
        } catch {
            set(.aborted)
            throw error
        }
    }

    public func start() async throws {
        try move(from: [.initialized], to: .starting)
        let insert = try insert()
        do {
            try await insert.start()
        } catch {
            set(.aborted)
            throw error
        }
        let proxy = try proxy()
        let end = Task { [self] () -> BladeState in
            let outcome: BladeState
            do {
                try await insert.join()
                outcome = run.withLock { $0.stopping } ? .stopped : .completed
            } catch {
                run.withLock { $0.failure = "\(error)" }
                outcome = .aborted
            }
            // Everything the insert made goes to the storage before the blade says it is done.
            _ = try? await proxy.flush()
            run.withLock { $0.state = outcome }
            return outcome
        }
        run.withLock { run in
            run.end = end
            if run.state == .starting { run.state = .running }
        }
    }

    public func suspend() async throws {
        try move(from: [.running], to: .suspending)
        try await insert().suspend()
        set(.suspended, ifStill: .suspending)
    }

    public func resume() async throws {
        try move(from: [.suspended], to: .resuming)
        try await insert().resume()
        set(.running, ifStill: .resuming)
    }

    public func stop() async throws {
        let wasRunning = run.withLock { run -> Bool in
            guard [.starting, .running, .suspending, .suspended, .resuming].contains(run.state) else { return false }
            run.state = .stopping
            run.stopping = true
            return true
        }
        guard wasRunning else { return }
        try await insert().stop()
    }

    public func scaleLoad(_ factor: Double) async throws {
        try await insert().scaleLoad(factor)
    }

    public func join() async throws -> BladeState {
        guard let end = run.withLock({ $0.end }) else { return run.withLock { $0.state } }
        let state = await end.value
        if state == .aborted { throw BladeError(run.withLock { $0.failure } ?? "the insert failed") }
        return state
    }

    public func collect() async throws -> Int {
        var sent = 0
        let proxy = try proxy()
        while try await proxy.unsent() > 0 { sent += try await proxy.flush() }
        return sent
    }

    public func state() async throws -> BladeState { run.withLock { $0.state } }

    public func statistics() async throws -> BladeSnapshot {
        var snapshot = try await collector().take()
        snapshot.state = run.withLock { $0.state }
        snapshot.unsent = (try? await proxy().unsent()) ?? 0
        return snapshot
    }

    // MARK: State

    private func move(from allowed: Set<BladeState>, to next: BladeState) throws {
        try run.withLock { run in
            guard allowed.contains(run.state) else {
                throw BladeError("blade '\(id.value)' is \(run.state): it cannot go \(next) (it can from \(allowed.map(\.description).sorted().joined(separator: ", ")))")
            }
            run.state = next
        }
    }

    private func set(_ state: BladeState, ifStill expected: BladeState? = nil) {
        run.withLock { run in
            if let expected, run.state != expected { return }
            run.state = state
        }
    }

    /// What CLIF's `server.prop` holds, from this process's view of its machine.
    static func serverProperties() -> [String: String] {
        let info = ProcessInfo.processInfo
        return [
            "host.name": info.hostName,
            "os.name": "Linux",
            "os.version": info.operatingSystemVersionString,
            "processors": String(info.activeProcessorCount),
            "memory.bytes": String(info.physicalMemory),
            "process.id": String(info.processIdentifier),
        ]
    }
}

/// A lifecycle command a blade cannot take in its state, or a blade that failed.
public struct BladeError: Error, Sendable, CustomStringConvertible, Codable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
