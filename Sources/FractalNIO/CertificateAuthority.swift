import Crypto
import Foundation
import FractalRemote
import SwiftASN1
import X509

/// A community's CA and its node certificates (ECDSA P-256), made in this process with
/// swift-certificates: `fractal certs`, and test helpers. No `openssl` binary is needed.
///
/// The CA's private key never lies beside what is handed out: it is kept in a folder of its
/// own (mode 0700, the key 0600), by default `<folder>-ca` next to `folder`, with the register
/// of the certificates it issued (`issued.txt`), from which ``revoke(_:in:keyFolder:)`` writes
/// the revocation list nodes load (`revoked.txt` beside `ca.pem`). Every private key is mode
/// 0600.
public enum CertificateAuthority {
    /// The folder the CA key of `folder` is kept in by default.
    public static func keyFolder(for folder: String) -> String {
        (folder.hasSuffix("/") ? String(folder.dropLast()) : folder) + "-ca"
    }

    /// The name of the revocation list beside `ca.pem`.
    public static let revocationListName = "revoked.txt"

    static let caName = "fractal-community-ca"

    /// Creates `ca.pem` in `folder` and its key `ca.key` in `keyFolder` unless they exist (a key
    /// found beside `ca.pem`, as older versions left it, is moved there), then
    /// `<node>.pem`/`<node>.key` for each node in `folder`, signed by the CA, valid for 127.0.0.1
    /// too; each issued certificate is recorded in the register beside the CA key.
    public static func make(in folder: String, nodes: [String], keyFolder: String? = nil) throws {
        let files = FileManager.default
        let keyFolder = keyFolder ?? Self.keyFolder(for: folder)
        try files.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try files.createDirectory(atPath: keyFolder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try files.setAttributes([.posixPermissions: 0o700], ofItemAtPath: keyFolder)
        let caCertificate = (folder as NSString).appendingPathComponent("ca.pem")
        let caKeyPath = (keyFolder as NSString).appendingPathComponent("ca.key")
        let oldKey = (folder as NSString).appendingPathComponent("ca.key")
        if files.fileExists(atPath: oldKey) && !files.fileExists(atPath: caKeyPath) {
            try files.moveItem(atPath: oldKey, toPath: caKeyPath)
        }
        let now = Date()
        if !files.fileExists(atPath: caCertificate) {
            let key = P256.Signing.PrivateKey()
            let name = try DistinguishedName { CommonName(caName) }
            let certificate = try Certificate(
                version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(key.publicKey),
                notValidBefore: now - 3600, notValidAfter: now + 3650 * 86_400, issuer: name, subject: name,
                signatureAlgorithm: .ecdsaWithSHA256,
                extensions: try Certificate.Extensions {
                    Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                    Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                    SubjectKeyIdentifier(hash: .init(key.publicKey))
                },
                issuerPrivateKey: .init(key))
            try writePrivate(key.pemRepresentation, to: caKeyPath)
            try write(certificate, to: caCertificate)
        }
        guard files.fileExists(atPath: caKeyPath) else {
            throw RemoteError(.handshakeFailed, "\(folder) has a CA certificate but its key is not at \(caKeyPath): sign node certificates where the CA key is")
        }
        try files.setAttributes([.posixPermissions: 0o600], ofItemAtPath: caKeyPath)
        let caKey: P256.Signing.PrivateKey
        let ca: Certificate
        do {
            caKey = try P256.Signing.PrivateKey(pemRepresentation: String(contentsOfFile: caKeyPath, encoding: .utf8))
            ca = try Certificate(pemEncoded: String(contentsOfFile: caCertificate, encoding: .utf8))
        } catch {
            throw RemoteError(.handshakeFailed, "cannot read the CA (\(caCertificate), key \(caKeyPath)): \(error)")
        }
        for node in nodes {
            let base = (folder as NSString).appendingPathComponent(node)
            let key = P256.Signing.PrivateKey()
            let serial = Certificate.SerialNumber()
            let notAfter = now + 825 * 86_400
            let certificate = try Certificate(
                version: .v3, serialNumber: serial, publicKey: .init(key.publicKey),
                notValidBefore: now - 3600, notValidAfter: notAfter, issuer: ca.subject,
                subject: try DistinguishedName { CommonName(node) },
                signatureAlgorithm: .ecdsaWithSHA256,
                extensions: try Certificate.Extensions {
                    Critical(BasicConstraints.notCertificateAuthority)
                    Critical(KeyUsage(digitalSignature: true))
                    try ExtendedKeyUsage([.serverAuth, .clientAuth])
                    SubjectAlternativeNames([.dnsName(node), .ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1]))])
                    AuthorityKeyIdentifier(keyIdentifier: try ca.extensions.subjectKeyIdentifier?.keyIdentifier)
                },
                issuerPrivateKey: .init(caKey))
            try writePrivate(key.pemRepresentation, to: base + ".key")
            try write(certificate, to: base + ".pem")
            try append("\(hex(serial.bytes)) \(node) \(ISO8601DateFormatter().string(from: notAfter))\n",
                       to: (keyFolder as NSString).appendingPathComponent("issued.txt"))
        }
    }

    /// Revokes every certificate issued to `node`: adds them to the revocation list beside
    /// `ca.pem`, which nodes load at start. Returns the serial numbers revoked now.
    ///
    /// - Throws: ``RemoteError`` when the register knows no certificate of `node`.
    @discardableResult
    public static func revoke(_ node: String, in folder: String, keyFolder: String? = nil) throws -> [String] {
        let keyFolder = keyFolder ?? Self.keyFolder(for: folder)
        let register = (keyFolder as NSString).appendingPathComponent("issued.txt")
        let issued = ((try? String(contentsOfFile: register, encoding: .utf8)) ?? "").split(separator: "\n").compactMap { line -> String? in
            let fields = line.split(separator: " ")
            return fields.count >= 2 && fields[1] == node ? String(fields[0]) : nil
        }
        guard !issued.isEmpty else {
            throw RemoteError(.handshakeFailed, "the register \(register) holds no certificate of '\(node)': revoke where the CA key is kept")
        }
        let list = (folder as NSString).appendingPathComponent(revocationListName)
        let known = try RevocationList.load(from: list, ifPresent: true)
        let new = issued.filter { !known.contains(serial: $0) }
        if !FileManager.default.fileExists(atPath: list) {
            try append("# certificates revoked by the community's CA: serial (hex), then the node named\n", to: list)
        }
        try append(new.map { "\($0) \(node)\n" }.joined(), to: list)
        return new
    }

    /// The identity of `node` made by ``make(in:nodes:keyFolder:)``.
    public static func identity(of node: String, in folder: String) -> TLSIdentity {
        TLSIdentity(
            certificatePath: (folder as NSString).appendingPathComponent(node + ".pem"),
            privateKeyPath: (folder as NSString).appendingPathComponent(node + ".key"),
            certificateAuthorityPath: (folder as NSString).appendingPathComponent("ca.pem"))
    }

    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    private static func write(_ certificate: Certificate, to path: String) throws {
        try (certificate.serializeAsPEM().pemString + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// Writes `text` to a new file that only its owner can read, from the first byte on.
    private static func writePrivate(_ text: String, to path: String) throws {
        try? FileManager.default.removeItem(atPath: path)
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else { throw RemoteError(.handshakeFailed, "cannot create the private key \(path): errno \(errno)") }
        defer { close(descriptor) }
        let bytes = Array((text + "\n").utf8)
        guard Foundation.write(descriptor, bytes, bytes.count) == bytes.count else {
            throw RemoteError(.handshakeFailed, "cannot write the private key \(path): errno \(errno)")
        }
    }

    private static func append(_ text: String, to path: String) throws {
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil) else { throw RemoteError(.handshakeFailed, "cannot create \(path)") }
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
    }
}
