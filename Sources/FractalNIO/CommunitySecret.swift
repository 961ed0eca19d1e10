import Foundation
import FractalRemote
import FractalXML

/// A secret the members of a community share, under an identity, to authenticate plain-TCP
/// connections between their nodes (see ``TCPAuthentication``).
///
/// The secret never crosses the wire: each side proves it holds it by a keyed hash of nonces
/// both sides chose (docs/wire-protocol.md). A secret proves membership, not a node's name:
/// any holder can claim any name, so TLS is the way between machines that do not trust each
/// other's owners.
///
/// In a secret file a secret is one line, `IDENTITY BASE64-KEY`; a line of a key alone is the
/// identity `community`. `fractal secret new` writes one.
public struct CommunitySecret: Sendable, Hashable, CustomStringConvertible {
    /// Who holds the secret (`community`, or a member's name): what a node's policy names.
    public let identity: String
    let key: [UInt8]

    /// The environment variable a node reads its secrets from when given no secret file, as the
    /// lines of one: how a launcher hands the node processes it starts their secret.
    package static let environmentVariable = "FRACTAL_SECRET"

    /// The fewest bytes of key accepted: 128 bits.
    public static let minimumKeySize = 16

    public init(identity: String = "community", key: [UInt8]) throws {
        guard Self.isValid(identity: identity) else {
            throw RemoteError(.handshakeFailed, "'\(identity)' is not a secret identity: 1 to 64 letters, digits, '.', '_', '-' or '@'")
        }
        guard key.count >= Self.minimumKeySize else {
            throw RemoteError(.handshakeFailed, "a secret of \(key.count) bytes is too short: at least \(Self.minimumKeySize) bytes (fractal secret new makes one)")
        }
        self.identity = identity
        self.key = key
    }

    /// A new secret of 32 random bytes.
    public static func random(identity: String = "community") -> CommunitySecret {
        var generator = SystemRandomNumberGenerator()
        let key = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        // A valid identity is the caller's to give; the key is long enough by construction.
        return try! CommunitySecret(identity: identity, key: key)
    }

    /// The secret as a line of a secret file: `IDENTITY BASE64-KEY`.
    public var line: String { "\(identity) \(Data(key).base64EncodedString())" }

    /// Never the key.
    public var description: String { "secret '\(identity)'" }

    /// Reads `IDENTITY BASE64-KEY`, or `BASE64-KEY` alone (identity `community`).
    public init(parsing line: String) throws {
        let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard fields.count == 1 || fields.count == 2 else {
            throw RemoteError(.handshakeFailed, "expected 'IDENTITY BASE64-KEY', found \(fields.count) fields")
        }
        guard let key = Data(base64Encoded: fields[fields.count - 1]) else {
            throw RemoteError(.handshakeFailed, "the key is not base64")
        }
        try self.init(identity: fields.count == 2 ? fields[0] : "community", key: Array(key))
    }

    /// The secrets of a secret file, one per line (blank lines and `#` comments skipped); a node
    /// accepts any of them and dials with the first.
    ///
    /// - Throws: ``SecretFileError``, located, when the file cannot be read, is readable by
    ///   others than its owner, holds no secret, or holds a malformed line.
    public static func load(from path: String) throws -> [CommunitySecret] {
        let attributes: [FileAttributeKey: Any]
        let text: String
        do {
            attributes = try FileManager.default.attributesOfItem(atPath: path)
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw SecretFileError(at: SourceLocation(file: path, line: 1, column: 1), "cannot read the secret file: \(error.localizedDescription)")
        }
        if let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue, mode & 0o077 != 0 {
            throw SecretFileError(at: SourceLocation(file: path, line: 1, column: 1),
                                  "the secret file is readable by others than its owner (mode \(String(mode, radix: 8))): chmod 600 \(path)")
        }
        return try parse(text, file: path)
    }

    /// The secrets of `text`, laid out as a secret file.
    package static func parse(_ text: String, file: String) throws -> [CommunitySecret] {
        var secrets: [CommunitySecret] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !line.isEmpty, !line.hasPrefix("#") else { continue }
            let column = raw.distance(from: raw.startIndex, to: raw.firstIndex(where: { !$0.isWhitespace }) ?? raw.startIndex) + 1
            let location = SourceLocation(file: file, line: index + 1, column: column)
            let secret: CommunitySecret
            do {
                secret = try CommunitySecret(parsing: line)
            } catch let error as RemoteError {
                throw SecretFileError(at: location, error.message)
            }
            if secrets.contains(where: { $0.identity == secret.identity }) {
                throw SecretFileError(at: location, "a second secret for '\(secret.identity)': one per identity")
            }
            secrets.append(secret)
        }
        guard !secrets.isEmpty else {
            throw SecretFileError(at: SourceLocation(file: file, line: 1, column: 1), "the secret file holds no secret (fractal secret new > \(file))")
        }
        return secrets
    }

    package static func isValid(identity: String) -> Bool {
        (1...64).contains(identity.utf8.count) && identity.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) || byte == 0x2E || byte == 0x5F || byte == 0x2D || byte == 0x40
        }
    }
}

/// A secret file that cannot be used, located at the line at fault.
public struct SecretFileError: Error, Sendable, CustomStringConvertible {
    public let diagnostic: Diagnostic

    init(at location: SourceLocation, _ message: String) {
        diagnostic = Diagnostic(.error, at: location, message)
    }

    public var description: String { diagnostic.description }
}
