import Foundation
import FractalRemote

/// Makes a community's CA and node certificates with the `openssl` command (ECDSA P-256):
/// `fractal certs`, and test helpers.
public enum CertificateAuthority {
    /// Creates `ca.pem`/`ca.key` in `folder` unless they exist, then `<node>.pem`/`<node>.key`
    /// for each node, signed by the CA, valid for `localhost` and 127.0.0.1 too.
    public static func make(in folder: String, nodes: [String], openssl: String = "/usr/bin/openssl") throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let ca = (folder as NSString).appendingPathComponent("ca")
        if !FileManager.default.fileExists(atPath: ca + ".pem") {
            try run(openssl, ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                              "-keyout", ca + ".key", "-out", ca + ".pem", "-days", "3650", "-subj", "/CN=fractal-community-ca"])
        }
        for node in nodes {
            let base = (folder as NSString).appendingPathComponent(node)
            let extensions = base + ".ext"
            try "subjectAltName=DNS:\(node),IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n"
                .write(toFile: extensions, atomically: true, encoding: .utf8)
            try run(openssl, ["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                              "-keyout", base + ".key", "-out", base + ".csr", "-subj", "/CN=\(node)"])
            try run(openssl, ["x509", "-req", "-in", base + ".csr", "-CA", ca + ".pem", "-CAkey", ca + ".key",
                              "-CAcreateserial", "-out", base + ".pem", "-days", "825", "-extfile", extensions])
            try? FileManager.default.removeItem(atPath: base + ".csr")
            try? FileManager.default.removeItem(atPath: extensions)
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
