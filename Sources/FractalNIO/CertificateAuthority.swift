import Foundation
import FractalRemote

/// Makes a community's CA and node certificates with the `openssl` command (ECDSA P-256):
/// `fractal certs`, and test helpers.
///
/// The CA's private key never lies beside what is handed out: it is kept in a folder of its
/// own (mode 0700, the key 0600), by default `<folder>-ca` next to `folder`; every private key
/// is mode 0600.
public enum CertificateAuthority {
    /// The folder the CA key of `folder` is kept in by default.
    public static func keyFolder(for folder: String) -> String {
        (folder.hasSuffix("/") ? String(folder.dropLast()) : folder) + "-ca"
    }

    /// Creates `ca.pem` in `folder` and its key `ca.key` in `keyFolder` unless they exist (a key
    /// found beside `ca.pem`, as older versions left it, is moved there), then
    /// `<node>.pem`/`<node>.key` for each node in `folder`, signed by the CA, valid for
    /// `localhost` and 127.0.0.1 too.
    public static func make(in folder: String, nodes: [String], keyFolder: String? = nil, openssl: String = "/usr/bin/openssl") throws {
        let files = FileManager.default
        let keyFolder = keyFolder ?? Self.keyFolder(for: folder)
        try files.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try files.createDirectory(atPath: keyFolder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try files.setAttributes([.posixPermissions: 0o700], ofItemAtPath: keyFolder)
        let ca = (folder as NSString).appendingPathComponent("ca")
        let caKey = (keyFolder as NSString).appendingPathComponent("ca.key")
        if files.fileExists(atPath: ca + ".key") && !files.fileExists(atPath: caKey) {
            try files.moveItem(atPath: ca + ".key", toPath: caKey)
        }
        if !files.fileExists(atPath: ca + ".pem") {
            try run(openssl, ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                              "-keyout", caKey, "-out", ca + ".pem", "-days", "3650", "-subj", "/CN=fractal-community-ca"])
        }
        guard files.fileExists(atPath: caKey) else {
            throw RemoteError(.handshakeFailed, "\(folder) has a CA certificate but its key is not at \(caKey): sign node certificates where the CA key is")
        }
        try files.setAttributes([.posixPermissions: 0o600], ofItemAtPath: caKey)
        for node in nodes {
            let base = (folder as NSString).appendingPathComponent(node)
            let extensions = base + ".ext"
            try "subjectAltName=DNS:\(node),IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n"
                .write(toFile: extensions, atomically: true, encoding: .utf8)
            try run(openssl, ["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                              "-keyout", base + ".key", "-out", base + ".csr", "-subj", "/CN=\(node)"])
            try run(openssl, ["x509", "-req", "-in", base + ".csr", "-CA", ca + ".pem", "-CAkey", caKey,
                              "-CAserial", (keyFolder as NSString).appendingPathComponent("ca.srl"), "-CAcreateserial",
                              "-out", base + ".pem", "-days", "825", "-extfile", extensions])
            try files.setAttributes([.posixPermissions: 0o600], ofItemAtPath: base + ".key")
            try? files.removeItem(atPath: base + ".csr")
            try? files.removeItem(atPath: extensions)
        }
    }

    /// The identity of `node` made by ``make(in:nodes:openssl:)``.
    public static func identity(of node: String, in folder: String) -> TLSIdentity {
        TLSIdentity(
            certificatePath: (folder as NSString).appendingPathComponent(node + ".pem"),
            privateKeyPath: (folder as NSString).appendingPathComponent(node + ".key"),
            certificateAuthorityPath: (folder as NSString).appendingPathComponent("ca.pem"))
    }

    private static func run(_ tool: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw RemoteError(.handshakeFailed, "openssl \(arguments.first ?? "") failed: \(String(decoding: message, as: UTF8.self))")
        }
    }
}
