import Foundation
import FractalNIO
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
}
