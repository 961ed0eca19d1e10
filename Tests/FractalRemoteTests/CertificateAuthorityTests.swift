import Foundation
import FractalNIO
import FractalRemote
import Testing

/// `fractal certs`: what is handed out never holds the CA's private key.
@Suite struct CertificateAuthorityTests {
    static func permissions(_ path: String) throws -> Int {
        try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }

    static func verify(_ certificate: String, by authority: String) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = ["verify", "-CAfile", authority, certificate]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    @Test func theCAKeyIsKeptApartAndEveryKeyIsPrivate() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("certs-\(UUID().uuidString)").path
        let keyFolder = CertificateAuthority.keyFolder(for: folder)
        defer {
            try? FileManager.default.removeItem(atPath: folder)
            try? FileManager.default.removeItem(atPath: keyFolder)
        }
        try CertificateAuthority.make(in: folder, nodes: ["n1"])
        #expect(try Set(FileManager.default.contentsOfDirectory(atPath: folder)) == ["ca.pem", "n1.pem", "n1.key"])
        #expect(try Self.permissions(keyFolder) == 0o700)
        #expect(try Self.permissions(keyFolder + "/ca.key") == 0o600)
        #expect(try Self.permissions(folder + "/n1.key") == 0o600)

        // A later node is signed by the same CA, from the key where it is kept.
        try CertificateAuthority.make(in: folder, nodes: ["n2"])
        #expect(try Self.verify(folder + "/n2.pem", by: folder + "/ca.pem") == 0)
        #expect(try Self.verify(folder + "/n1.pem", by: folder + "/ca.pem") == 0)
        #expect(!FileManager.default.fileExists(atPath: folder + "/ca.key"))
    }

    @Test func aCAKeyLeftBesideTheCertificatesIsMovedApart() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("old-certs-\(UUID().uuidString)").path
        let keyFolder = CertificateAuthority.keyFolder(for: folder)
        defer {
            try? FileManager.default.removeItem(atPath: folder)
            try? FileManager.default.removeItem(atPath: keyFolder)
        }
        try CertificateAuthority.make(in: folder, nodes: [])
        // The layout of older versions: the key beside ca.pem.
        try FileManager.default.moveItem(atPath: keyFolder + "/ca.key", toPath: folder + "/ca.key")
        try CertificateAuthority.make(in: folder, nodes: ["n3"])
        #expect(!FileManager.default.fileExists(atPath: folder + "/ca.key"))
        #expect(try Self.permissions(keyFolder + "/ca.key") == 0o600)
        #expect(try Self.verify(folder + "/n3.pem", by: folder + "/ca.pem") == 0)
    }

    @Test func revokingWritesTheIssuedSerialsToTheListNodesLoadAndUnknownNodesAreErrors() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("revoke-\(UUID().uuidString)").path
        let keyFolder = CertificateAuthority.keyFolder(for: folder)
        defer {
            try? FileManager.default.removeItem(atPath: folder)
            try? FileManager.default.removeItem(atPath: keyFolder)
        }
        try CertificateAuthority.make(in: folder, nodes: ["n1", "n2"])
        try CertificateAuthority.make(in: folder, nodes: ["n2"])
        let register = try String(contentsOfFile: keyFolder + "/issued.txt", encoding: .utf8).split(separator: "\n")
        #expect(register.map { $0.split(separator: " ")[1] } == ["n1", "n2", "n2"])
        let revoked = try CertificateAuthority.revoke("n2", in: folder)
        #expect(revoked.count == 2, "both certificates ever issued to n2")
        let list = try RevocationList.load(from: folder + "/revoked.txt")
        #expect(list.serials.count == 2)
        let n2 = try NIOSSLCertificateSerial.of(folder + "/n2.pem")
        let n1 = try NIOSSLCertificateSerial.of(folder + "/n1.pem")
        #expect(list.contains(serial: n2) && !list.contains(serial: n1))
        #expect(TLSIdentity(certificatePath: "", privateKeyPath: "", certificateAuthorityPath: folder + "/ca.pem").revocationListOrEmpty == list,
                "a node finds the list beside ca.pem")
        #expect(throws: RemoteError.self) { try CertificateAuthority.revoke("ghost", in: folder) }
    }

    @Test func aMalformedRevocationListIsALocatedError() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("revoked-\(UUID().uuidString).txt").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "# list\n0a1b n1\n  not-hex n2\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect {
            try RevocationList.load(from: path)
        } throws: { error in
            "\(error)".contains("\(path):3:3: error: 'not-hex' is not a certificate serial number")
        }
    }
}

/// Serial numbers as `openssl x509 -serial` prints them: an independent reading of what the CA wrote.
enum NIOSSLCertificateSerial {
    static func of(_ certificate: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = ["x509", "-in", certificate, "-noout", "-serial"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return text.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "serial=", with: "")
    }
}

extension TLSIdentity {
    var revocationListOrEmpty: RevocationList { (try? revocationList()) ?? RevocationList() }
}
