import Foundation
import FractalNIO
import FractalRemote
import Logging

/// Node processes a launcher starts for a deployment, and stops at the end.
package final class NodeProcesses: @unchecked Sendable {
    private let lock = NSLock()
    private var processes: [(name: String, process: Process)] = []
    /// The command that runs a node daemon: an executable and the arguments before
    /// `--listen` (this executable's `node` subcommand by default).
    let nodeCommand: [String]
    let logger: Logger
    /// How the processes' plain-TCP listeners authenticate: they get the launcher's secrets in
    /// their environment (never on their command line, which every user of the machine can
    /// read), or `--insecure-tcp`.
    let authentication: TCPAuthentication

    package init(nodeCommand: [String], logger: Logger, authentication: TCPAuthentication) {
        self.nodeCommand = nodeCommand
        self.logger = logger
        self.authentication = authentication
    }

    /// Starts `<node command> --listen tcp://127.0.0.1:0 --name name` and returns the address
    /// it announces.
    package func startLocal(name: String, tls: TLSIdentity?, timeout: Duration = .seconds(20)) async throws -> NodeAddress {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: nodeCommand[0]).resolvingSymlinksInPath()
        var prefix = Array(nodeCommand.dropFirst())
        var environment = ProcessInfo.processInfo.environment
        switch authentication {
        case .sharedSecrets(let secrets):
            environment[CommunitySecret.environmentVariable] = secrets.map(\.line).joined(separator: "\n")
        case .none:
            environment[CommunitySecret.environmentVariable] = nil
            prefix.append("--insecure-tcp")
        }
        process.environment = environment
        // With TLS, a node proves its name with its own certificate: `<name>.pem` and
        // `<name>.key` beside the launcher's, as `fractal certs` lays them out.
        if let tls {
            let cert = tls.certificatePath, ca = tls.certificateAuthorityPath
            let folder = URL(fileURLWithPath: cert).deletingLastPathComponent()
            let nodeCert = folder.appendingPathComponent("\(name).pem").path
            let nodeKey = folder.appendingPathComponent("\(name).key").path
            guard FileManager.default.fileExists(atPath: nodeCert), FileManager.default.fileExists(atPath: nodeKey) else {
                throw RemoteError(.connectionFailed, node: name,
                                  "a local node over TLS needs its own certificate, \(nodeCert) and \(nodeKey) (fractal certs --out \(folder.path) \(name))")
            }
            process.arguments = prefix + ["--listen", "tls://127.0.0.1:0", "--name", name, "--cert", nodeCert, "--key", nodeKey, "--ca", ca]
                + (tls.revocationListPath.map { ["--revoked", $0] } ?? [])
        } else {
            process.arguments = prefix + ["--listen", "tcp://127.0.0.1:0", "--name", name]
        }
        return try await start(process, name: name, timeout: timeout) { line in
            guard let range = line.range(of: " listening at ") else { return nil }
            return try? NodeAddress(parsing: String(line[range.upperBound...]))
        }
    }

    /// Starts `command` on `host` over ssh; the node is then reached at `address`.
    package func startOverSSH(host: String, name: String, command: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/ssh")
        process.arguments = ["-o", "BatchMode=yes", host, command]
        try process.run()
        lock.withLock { processes.append((name, process)) }
    }

    private func start(
        _ process: Process, name: String, timeout: Duration, address: @escaping @Sendable (String) -> NodeAddress?
    ) async throws -> NodeAddress {
        let output = Pipe()
        let logger = logger
        process.standardOutput = output
        let found = Resumer<NodeAddress>()
        let buffer = LineBuffer()
        try process.run()
        // Blocking reads on a thread of their own, not a readabilityHandler: tearing down the
        // dispatch source of a readabilityHandler races the pipe's close in libdispatch on
        // Linux (swift-corelibs-libdispatch#949), which crashes processes that start many nodes.
        let reader = output.fileHandleForReading
        Thread {
            let descriptor = reader.fileDescriptor
            var chunk = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = read(descriptor, &chunk, chunk.count)
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { break }
                for line in buffer.append(Data(chunk[..<count])) {
                    logger.info("\(line)", metadata: ["node": "\(name)"])
                    if let parsed = address(line) { found.succeed(parsed) }
                }
            }
            found.fail(RemoteError(.connectionFailed, node: name, "the node process ended before it listened"))
            try? reader.close()
        }.start()
        lock.withLock { processes.append((name, process)) }
        let timer = Task {
            try? await Task.sleep(for: timeout)
            found.fail(RemoteError(.connectionFailed, node: name, "the node process did not listen within \(timeout)"))
        }
        defer { timer.cancel() }
        return try await found.value()
    }

    /// ``stopAll(grace:)`` on a thread of its own: its waits never hold a thread of the
    /// tasks' shared pool.
    package func stopAll(grace: Duration = .seconds(5)) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            Thread {
                self.stopAllWaiting(grace: grace)
                continuation.resume()
            }.start()
        }
    }

    /// Asks every started process to stop (SIGTERM), waits up to `grace` for them, then kills
    /// those still running (SIGKILL). Blocks the calling thread meanwhile.
    package func stopAllWaiting(grace: Duration = .seconds(5)) {
        let all = lock.withLock { () -> [(name: String, process: Process)] in
            defer { processes = [] }
            return processes
        }
        for (_, process) in all where process.isRunning { process.terminate() }
        let deadline = ContinuousClock.now + grace
        for (name, process) in all {
            while process.isRunning && ContinuousClock.now < deadline { usleep(20_000) }
            if process.isRunning {
                logger.warning("node process \(name) did not stop within \(grace); killing it")
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
            }
        }
    }
}

/// Splits bytes into lines.
private final class LineBuffer: @unchecked Sendable {
    private var pending = Data()
    private let lock = NSLock()

    func append(_ data: Data) -> [String] {
        lock.withLock {
            pending.append(data)
            var lines: [String] = []
            while let newline = pending.firstIndex(of: 0x0A) {
                lines.append(String(decoding: pending[pending.startIndex..<newline], as: UTF8.self))
                pending.removeSubrange(pending.startIndex...newline)
            }
            return lines
        }
    }
}

/// A value delivered once, from any thread, to one waiting task.
package final class Resumer<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var result: Result<Value, any Error>?
    private var waiter: CheckedContinuation<Value, any Error>?

    package init() {}

    package func succeed(_ value: Value) { deliver(.success(value)) }
    package func fail(_ error: any Error) { deliver(.failure(error)) }

    private func deliver(_ outcome: Result<Value, any Error>) {
        let waiting: CheckedContinuation<Value, any Error>? = lock.withLock {
            guard result == nil else { return nil }
            result = outcome
            defer { waiter = nil }
            return waiter
        }
        waiting?.resume(with: outcome)
    }

    package func value() async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            let ready: Result<Value, any Error>? = lock.withLock {
                if let result { return result }
                waiter = continuation
                return nil
            }
            if let ready { continuation.resume(with: ready) }
        }
    }
}
