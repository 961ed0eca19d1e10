import FractalDeployment
import Synchronization

/// What a node process wrote on its standard output, line by line, and who waits for a line.
final class NodeOutput: Sendable {
    /// The line the cluster's wrapper shell prints before it becomes the node: `<marker> <pid>`.
    static let processMarker = "fractal-testing: node process"

    let node: String

    private struct Waiter {
        let text: String
        let found: Resumer<String>
    }

    private struct State {
        var lines: [String] = []
        var processIdentifier: Int32?
        var waiters: [ObjectIdentifier: Waiter] = [:]
    }

    private let state = Mutex(State())

    init(node: String) {
        self.node = node
    }

    var lines: [String] { state.withLock { $0.lines } }
    var processIdentifier: Int32? { state.withLock { $0.processIdentifier } }

    /// Records one line; the wrapper's first line gives the process id instead.
    func append(_ line: String) {
        if line.hasPrefix(Self.processMarker + " "), let pid = Int32(line.dropFirst(Self.processMarker.count + 1)) {
            state.withLock { if $0.processIdentifier == nil { $0.processIdentifier = pid } }
            return
        }
        let satisfied = state.withLock { state -> [Waiter] in
            state.lines.append(line)
            let satisfied = state.waiters.filter { line.contains($0.value.text) }
            for key in satisfied.keys { state.waiters[key] = nil }
            return Array(satisfied.values)
        }
        for waiter in satisfied { waiter.found.succeed(line) }
    }

    /// The first line containing `text`, already written or still to come.
    ///
    /// - Throws: ``TestClusterError`` `.timedOut` when none comes within `timeout`;
    ///   `CancellationError` when the waiting task is cancelled.
    func line(containing text: String, timeout: Duration) async throws -> String {
        let found = Resumer<String>()
        let key = ObjectIdentifier(found)
        let known = state.withLock { state -> String? in
            if let line = state.lines.first(where: { $0.contains(text) }) { return line }
            state.waiters[key] = Waiter(text: text, found: found)
            return nil
        }
        if let known { return known }
        let node = node
        let timer = Task { [weak self] in
            do { try await Task.sleep(for: timeout) } catch { return }
            let lines = self?.lines ?? []
            self?.forget(key)
            found.fail(TestClusterError(
                .timedOut, node: node,
                "wrote no line containing '\(text)' within \(timeout); its output so far:\n\(lines.joined(separator: "\n"))"))
        }
        defer { timer.cancel() }
        return try await withTaskCancellationHandler {
            try await found.value()
        } onCancel: { [weak self] in
            self?.forget(key)
            found.fail(CancellationError())
        }
    }

    private func forget(_ key: ObjectIdentifier) {
        _ = state.withLock { $0.waiters.removeValue(forKey: key) }
    }
}
