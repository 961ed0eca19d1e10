import Foundation
import FractalRemote
import NIOCore
import NIOSSL
import SwiftASN1
import X509

/// Checks a TLS peer's certificate chain against the community's CA, as BoringSSL would, and
/// against its revocation list: used in place of BoringSSL's check when certificates are
/// revoked (BoringSSL has no hook that adds a check to its own and stays supported).
final class CommunityVerifier: Sendable {
    private let authorities: [Certificate]
    private let revoked: RevocationList

    init(authorityPath: String, revoked: RevocationList) throws {
        do {
            let text = try String(contentsOfFile: authorityPath, encoding: .utf8)
            authorities = try PEMDocument.parseMultiple(pemString: text).map { try Certificate(pemDocument: $0) }
        } catch {
            throw RemoteError(.handshakeFailed, "cannot read the CA certificate \(authorityPath): \(error)")
        }
        self.revoked = revoked
    }

    /// The callback for NIOSSL's handlers: verifies off the event loop, then completes.
    var callback: NIOSSLCustomVerificationCallback {
        { [self] certificates, promise in
            let chain = certificates.compactMap { try? $0.toDERBytes() }
            guard chain.count == certificates.count else {
                promise.succeed(.failed)
                return
            }
            Task { promise.succeed(await self.verify(chain)) }
        }
    }

    /// Whether `chain` (DER, the leaf first) is the CA's and none of it is revoked.
    func verify(_ chain: [[UInt8]]) async -> NIOSSLVerificationResult {
        guard let certificates = try? chain.map({ try Certificate(derEncoded: $0) }), let leaf = certificates.first else { return .failed }
        if let refused = certificates.first(where: { revoked.contains(serialBytes: $0.serialNumber.bytes) }) {
            let alternatives = (try? refused.extensions.subjectAlternativeNames) ?? nil
            let name = alternatives?.compactMap { name -> String? in
                if case .dnsName(let dns) = name { return dns }
                return nil
            }.first ?? "\(refused.subject)"
            NodeLog.warning("refusing a revoked certificate: \(name) (serial \(CertificateAuthority.hex(refused.serialNumber.bytes)))")
            return .failed
        }
        var verifier = Verifier(rootCertificates: CertificateStore(authorities)) { RFC5280Policy() }
        let result = await verifier.validate(leaf: leaf, intermediates: CertificateStore(Array(certificates.dropFirst())))
        guard case .validCertificate = result else { return .failed }
        return .certificateVerified
    }
}
