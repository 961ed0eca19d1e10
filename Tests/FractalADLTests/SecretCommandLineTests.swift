import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `fractal secret new`, `--secret-file` and `--insecure-tcp`, as a user types them.
@Suite struct SecretCommandLineTests {
    typealias CLI = FractalExecutable

    @Test func aPlainTCPNodeWithoutSecretRefusesToStartAndSaysHowToGiveOne() async throws {
        for arguments in [["node", "--name", "n", "--listen", "tcp://127.0.0.1:0"], ["node", "--name", "n", "--join", "tcp://127.0.0.1:1"]] {
            let outcome = try await CLI.run(arguments)
            #expect(outcome.exitedNormally && outcome.status == 64, "\(outcome)")
            #expect(outcome.stderr.contains("would let whoever reaches it run code here"), "\(outcome)")
            #expect(outcome.stderr.contains("--secret-file FILE") && outcome.stderr.contains("--insecure-tcp"), "\(outcome)")
            #expect(!outcome.stdout.contains("listening at"), "\(outcome)")
        }
    }

    @Test func secretNewWritesAFileOfModeSixHundredThatANodeTakesAndNeverOverwritesIt() async throws {
        let folder = try CLI.temporaryFolder("secret")
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("community.secret").path
        let made = try await CLI.run(["secret", "new", "--out", file])
        #expect(made.exitedNormally && made.status == 0, "\(made)")
        #expect(made.stdout.contains("wrote the secret for 'community' to \(file) (mode 0600)"), "\(made)")
        let mode = try #require(FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? NSNumber)
        #expect(mode.intValue == 0o600)
        let line = try String(contentsOfFile: file, encoding: .utf8)
        #expect(line.hasPrefix("community ") && line.hasSuffix("\n"))

        let again = try await CLI.run(["secret", "new", "--out", file])
        #expect(again.exitedNormally && again.status == 64, "\(again)")
        #expect(again.stderr.contains("it exists: a secret is never overwritten"), "\(again)")
        #expect(try String(contentsOfFile: file, encoding: .utf8) == line)

        let printed = try await CLI.run(["secret", "new", "--identity", "alice"])
        #expect(printed.stdout.hasPrefix("alice ") && printed.stdout.count > 40, "\(printed)")

        // A node takes it and listens.
        let node = try CLI.start(["node", "--name", "keeper", "--listen", "tcp://127.0.0.1:0", "--secret-file", file])
        let listening = await node.wait(upTo: .seconds(20)) { node.stdout.text.contains("node keeper listening at tcp://127.0.0.1:") }
        kill(node.process.processIdentifier, SIGTERM)
        let outcome = await node.finish(within: .seconds(10))
        #expect(listening, "\(outcome)")
        #expect(outcome.status == 0 && !outcome.stderr.contains("warning"), "\(outcome)")
    }

    @Test func aSecretFileOthersCanReadIsRefusedLocated() async throws {
        let folder = try CLI.temporaryFolder("secret-mode")
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("open.secret").path
        #expect(FileManager.default.createFile(atPath: file, contents: Data("community AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==\n".utf8),
                                               attributes: [.posixPermissions: 0o644]))
        let outcome = try await CLI.run(["node", "--name", "n", "--listen", "tcp://127.0.0.1:0", "--secret-file", file])
        #expect(outcome.status == 64, "\(outcome)")
        #expect(outcome.stderr.contains("\(file):1:1: error: the secret file is readable by others than its owner (mode 644): chmod 600 \(file)"), "\(outcome)")
    }

    @Test func insecureTCPWarnsAtStartAndExcludesASecretFile() async throws {
        let node = try CLI.start(["node", "--name", "open", "--listen", "tcp://127.0.0.1:0", "--insecure-tcp"])
        let listening = await node.wait(upTo: .seconds(20)) { node.stdout.text.contains("node open listening at") }
        kill(node.process.processIdentifier, SIGTERM)
        let outcome = await node.finish(within: .seconds(10))
        #expect(listening, "\(outcome)")
        #expect(outcome.stderr.contains("warning: --insecure-tcp: tcp:// connections are not authenticated"), "\(outcome)")

        let both = try await CLI.run(["node", "--name", "n", "--listen", "tcp://127.0.0.1:0", "--insecure-tcp", "--secret-file", "x"])
        #expect(both.status == 64 && both.stderr.contains("exclude each other"), "\(both)")
    }

    @Test func aLauncherWithoutSecretRefusesToReachATCPNodeItDidNotStartOrToListenOnTCP() async throws {
        let folder = try CLI.temporaryFolder("secret-launcher")
        defer { try? FileManager.default.removeItem(at: folder) }
        let descriptor = folder.appendingPathComponent("d.xml").path
        try """
        <deployment>
          <virtual-node name="clients"><node name="n1" address="tcp://127.0.0.1:1"/></virtual-node>
          <virtual-node name="servers"><local-process name="n2"/></virtual-node>
        </deployment>
        """.write(toFile: descriptor, atomically: true, encoding: .utf8)
        let reaching = try await CLI.run(["run", "DistributedHelloWorld", "--deployment", descriptor])
        #expect(reaching.status == 64, "\(reaching)")
        #expect(reaching.stderr.contains("the deployment reaches node n1 at tcp://127.0.0.1:1: give the secret it was started with, --secret-file FILE"), "\(reaching)")

        let listening = try await CLI.run(["run", "DistributedHelloWorld", "--deployment", "ADL/deployments/local-processes.xml", "--listen", "tcp://127.0.0.1:0"])
        #expect(listening.status == 64 && listening.stderr.contains("tcp://127.0.0.1:0 would let whoever reaches it run code here"), "\(listening)")
    }
}
