import Foundation
import Testing

/// `fractal certs` and `--revoked`, as a user types them.
@Suite struct CertsCommandLineTests {
    typealias CLI = FractalExecutable

    @Test func certsMakesARegisterAndRevokeWritesTheListNodesLoad() async throws {
        let folder = try CLI.temporaryFolder("certs")
        let out = folder.appendingPathComponent("certs").path
        defer { try? FileManager.default.removeItem(at: folder) }
        let made = try await CLI.run(["certs", "--out", out, "n1", "n2"])
        #expect(made.status == 0, "\(made)")
        #expect(made.stdout.contains("hand node n2: \(out)/ca.pem \(out)/n2.pem \(out)/n2.key"), "\(made)")
        #expect(FileManager.default.fileExists(atPath: out + "-ca/issued.txt"))

        let revoked = try await CLI.run(["certs", "--out", out, "--revoke", "n2"])
        #expect(revoked.status == 0, "\(revoked)")
        #expect(revoked.stdout.contains("revoked 1 certificate of n2 in \(out)/revoked.txt"), "\(revoked)")
        let again = try await CLI.run(["certs", "--out", out, "--revoke", "n2"])
        #expect(again.stdout.contains("the certificates of n2 were revoked already"), "\(again)")
        // What is handed out from now on includes the list.
        let n3 = try await CLI.run(["certs", "--out", out, "n3"])
        #expect(n3.stdout.contains("hand node n3: \(out)/ca.pem \(out)/revoked.txt \(out)/n3.pem"), "\(n3)")

        let ghost = try await CLI.run(["certs", "--out", out, "--revoke", "ghost"])
        #expect(ghost.status != 0 && ghost.stderr.contains("holds no certificate of 'ghost'"), "\(ghost)")

        try "0a n1\nzz n2\n".write(toFile: folder.appendingPathComponent("bad.txt").path, atomically: true, encoding: .utf8)
        let bad = try await CLI.run(["node", "--name", "n1", "--listen", "tls://127.0.0.1:0", "--cert", out + "/n1.pem", "--key", out + "/n1.key",
                                     "--ca", out + "/ca.pem", "--revoked", folder.appendingPathComponent("bad.txt").path])
        #expect(bad.status == 64 && bad.stderr.contains("bad.txt:2:1: error: 'zz' is not a certificate serial number"), "\(bad)")
    }
}
