import Foundation
import FractalRemote
import NIOSSL

/// A node's credentials in a community: its certificate (signed by the community's CA), its
/// private key, and the CA every peer's certificate must be signed by (mutual authentication).
public struct TLSIdentity: Sendable, Hashable {
    public var certificatePath: String
    public var privateKeyPath: String
    public var certificateAuthorityPath: String
    /// The community's revocation list; nil for `revoked.txt` beside the CA certificate, when
    /// there is one (as `fractal certs` lays them out).
    public var revocationListPath: String?

    public init(certificatePath: String, privateKeyPath: String, certificateAuthorityPath: String, revocationListPath: String? = nil) {
        self.certificatePath = certificatePath
        self.privateKeyPath = privateKeyPath
        self.certificateAuthorityPath = certificateAuthorityPath
        self.revocationListPath = revocationListPath
    }

    /// The revocation list in force: the one given, else the one beside the CA certificate.
    ///
    /// - Throws: ``RevocationListError`` for a list that is given but cannot be read, or is malformed.
    public func revocationList() throws -> RevocationList {
        if let revocationListPath { return try RevocationList.load(from: revocationListPath) }
        let beside = ((certificateAuthorityPath as NSString).deletingLastPathComponent as NSString)
            .appendingPathComponent(CertificateAuthority.revocationListName)
        return try RevocationList.load(from: beside, ifPresent: true)
    }

    /// The node names the certificate is for (its DNS names): the names this identity may use.
    public func nodeNames() throws -> [String] {
        do {
            return try NIOSSLCertificate.fromPEMFile(certificatePath).first?.dnsNames ?? []
        } catch {
            throw RemoteError(.handshakeFailed, "cannot read the certificate \(certificatePath): \(error)")
        }
    }

    /// Contexts for accepting and for opening connections; both require the other side's
    /// certificate and check it against the CA (host names are not checked: nodes are
    /// identified by their certificates, wherever they run).
    func contexts() throws -> (server: NIOSSLContext, client: NIOSSLContext) {
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(certificatePath).map { NIOSSLCertificateSource.certificate($0) }
            let key = NIOSSLPrivateKeySource.privateKey(try NIOSSLPrivateKey(file: privateKeyPath, format: .pem))
            var server = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: key)
            server.trustRoots = .file(certificateAuthorityPath)
            server.certificateVerification = .noHostnameVerification
            server.minimumTLSVersion = .tlsv12
            var client = TLSConfiguration.makeClientConfiguration()
            client.certificateChain = chain
            client.privateKey = key
            client.trustRoots = .file(certificateAuthorityPath)
            client.certificateVerification = .noHostnameVerification
            client.minimumTLSVersion = .tlsv12
            return (try NIOSSLContext(configuration: server), try NIOSSLContext(configuration: client))
        } catch {
            throw RemoteError(.handshakeFailed, "cannot load the TLS identity (\(certificatePath), \(privateKeyPath), CA \(certificateAuthorityPath)): \(error)")
        }
    }
}

extension NIOSSLCertificate {
    /// The DNS names the certificate is for: the node names it proves.
    var dnsNames: [String] {
        _subjectAlternativeNames().compactMap { name in
            guard name.nameType == .dnsName else { return nil }
            return name.contents.withUnsafeBufferPointer { String(decoding: $0, as: UTF8.self) }
        }
    }
}
