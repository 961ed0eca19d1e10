import Foundation
import FractalRemote
import FractalXML

/// The certificates a community's CA revoked, by serial number: `revoked.txt` beside `ca.pem`,
/// which `fractal certs --revoke NODE` writes and TLS nodes load at start. A peer presenting a
/// revoked certificate is refused during the TLS handshake.
///
/// One certificate per line, `SERIAL-HEX [NODE]`; blank lines and `#` comments are skipped.
public struct RevocationList: Sendable, Hashable {
    /// Serial numbers, lowercase hexadecimal without leading zeros.
    public private(set) var serials: Set<String>

    public init(serials: some Sequence<String> = []) {
        self.serials = Set(serials.map(Self.normalised))
    }

    public var isEmpty: Bool { serials.isEmpty }

    /// Whether the certificate of serial number `hex` is revoked.
    public func contains(serial hex: String) -> Bool { serials.contains(Self.normalised(hex)) }

    /// Whether the certificate of serial number `bytes` (big-endian) is revoked.
    public func contains(serialBytes bytes: some Sequence<UInt8>) -> Bool {
        contains(serial: CertificateAuthority.hex(bytes))
    }

    /// Reads a revocation list; an absent file is an empty list when `ifPresent`.
    ///
    /// - Throws: ``RevocationListError``, located, for a line that is not a serial number.
    public static func load(from path: String, ifPresent: Bool = false) throws -> RevocationList {
        guard FileManager.default.fileExists(atPath: path) || !ifPresent else { return RevocationList() }
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw RevocationListError(diagnostic: Diagnostic(.error, at: SourceLocation(file: path, line: 1, column: 1), "cannot read the revocation list: \(error.localizedDescription)"))
        }
        var serials: [String] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty, !line.hasPrefix("#") else { continue }
            let serial = String(line.prefix { !$0.isWhitespace })
            guard serial.count <= 42, serial.allSatisfy(\.isHexDigit) else {
                let column = raw.distance(from: raw.startIndex, to: raw.firstIndex { !$0.isWhitespace } ?? raw.startIndex) + 1
                throw RevocationListError(diagnostic: Diagnostic(.error, at: SourceLocation(file: path, line: index + 1, column: column),
                                                                 "'\(serial)' is not a certificate serial number (hexadecimal, at most 20 bytes)"))
            }
            serials.append(serial)
        }
        return RevocationList(serials: serials)
    }

    static func normalised(_ hex: String) -> String {
        let lower = hex.lowercased().drop { $0 == "0" }
        return lower.isEmpty ? "0" : String(lower)
    }
}

/// A revocation list that cannot be used, located at the line at fault.
public struct RevocationListError: Error, Sendable, CustomStringConvertible {
    public let diagnostic: Diagnostic
    public var description: String { diagnostic.description }
}
