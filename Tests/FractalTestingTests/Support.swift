import Fractal
@testable import FractalRemote
import FractalTesting
import Foundation
import HelloWorldComponents
import Testing

/// Where a test's nodes run: the three modes of a cluster, as test arguments.
enum Where: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case inMemory, tcp, processes

    var testDescription: String { rawValue }

    /// The mode; for processes, the `fractal` executable `swift build --build-tests` builds.
    func mode(sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> TestCluster.Mode {
        switch self {
        case .inMemory: return .inMemory
        case .tcp: return .tcp
        case .processes:
            try #require(FileManager.default.isExecutableFile(atPath: World.fractal.path),
                         "the fractal executable is missing at \(World.fractal.path): run `swift build --build-tests` in the package first",
                         sourceLocation: sourceLocation)
            return .processes(nodeCommand: [World.fractal.path, "node"])
        }
    }
}

enum World {
    /// The HelloWorld components, as the `fractal` executable's nodes know them.
    static let registry: Registry = {
        let registry = Registry()
        HelloWorldComponents.register(in: registry)
        return registry
    }()

    /// The package folder: three levels above this file.
    static let package = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let fractal = package.appendingPathComponent(".build/debug/fractal")
    /// The package's architecture files (HelloWorld, DistributedHelloWorld).
    static let adl = package.appendingPathComponent("ADL").path

    static let distributed: [String: String] = ["clients": "n1", "servers": "n2"]

    /// HelloWorld's client on virtual node `clients` and its server on `servers`, with the
    /// server's interface exported by the top composite too: a call from the coordinator goes
    /// straight to the server's node.
    static let crossNode = """
    <definition name="CrossNode" extends="HelloWorld">
      <interface name="s" role="server" signature="helloworld.Service"/>
      <component name="client"><virtual-node name="clients"/></component>
      <component name="server"><virtual-node name="servers"/></component>
      <binding client="this.s" server="server.s"/>
    </definition>
    """
}

/// What a cluster leaves behind, noted inside its closure and checked after it.
struct Remains: Sendable {
    let transports: TransportRegistry
    let addresses: [NodeAddress]
    /// Node processes: pid → command line.
    let processes: [Int32: String]
    let inProcess: [Node]
    let tops: [Component]

    init(_ cluster: TestCluster, tops: [Component]) {
        transports = cluster.transports
        addresses = cluster.nodes.map(\.address)
        processes = Dictionary(uniqueKeysWithValues: cluster.nodes.compactMap { node in
            node.processIdentifier.map { ($0, Self.commandLine($0)) }
        })
        inProcess = cluster.nodes.compactMap(\.node)
        self.tops = tops
    }

    /// Nothing runs any more: no process, nothing answers at any node's address, no node in
    /// this process hosts a component or has a connection, every top composite is stopped.
    func expectGone(sourceLocation: Testing.SourceLocation = #_sourceLocation) async throws {
        for (pid, command) in processes {
            #expect(!Self.isRunning(pid, command: command), "node process \(pid) (\(command)) still runs", sourceLocation: sourceLocation)
        }
        let probe = Node(name: "probe", registry: World.registry, transports: transports)
        for address in addresses {
            do {
                let peer = try await probe.connect(to: address)
                Issue.record("\(peer.remoteName) still answers at \(address)", sourceLocation: sourceLocation)
            } catch let error as RemoteError {
                #expect(error.kind == .connectionFailed, "\(address): \(error)", sourceLocation: sourceLocation)
            }
        }
        await probe.shutdown()
        for node in inProcess {
            #expect(node.hostedPaths.isEmpty, "\(node.name) still hosts \(node.hostedPaths)", sourceLocation: sourceLocation)
            #expect(node.peerNames.isEmpty, "\(node.name) is still connected to \(node.peerNames)", sourceLocation: sourceLocation)
        }
        for top in tops {
            #expect(top.lifeCycleController.state == .stopped, "\(top.name) is \(top.lifeCycleController.state)", sourceLocation: sourceLocation)
        }
    }

    static func commandLine(_ pid: Int32) -> String {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return "" }
        return String(decoding: data, as: UTF8.self).split(separator: "\0").joined(separator: " ")
    }

    /// Alive, not a zombie, and still the same program (a pid may be given again).
    static func isRunning(_ pid: Int32, command: String) -> Bool {
        guard kill(pid, 0) == 0 else { return false }
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
        if let close = stat.lastIndex(of: ")"), stat[stat.index(after: close)...].split(separator: " ").first == "Z" { return false }
        return commandLine(pid) == command
    }
}

struct Boom: Error {}
