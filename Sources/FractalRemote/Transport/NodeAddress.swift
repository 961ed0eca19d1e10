/// Where a node listens or is reached: `mem://name`, `tcp://host:port`, `tls://host:port`.
///
/// The scheme picks the ``Transport``; a user-defined transport brings its own scheme.
public struct NodeAddress: Sendable, Hashable, CustomStringConvertible {
    public var scheme: String
    public var host: String
    public var port: Int?

    public init(scheme: String, host: String, port: Int? = nil) {
        self.scheme = scheme
        self.host = host
        self.port = port
    }

    /// Parses `scheme://host[:port]`.
    public init(parsing text: String) throws {
        guard let separator = text.range(of: "://") else {
            throw RemoteError(.badAddress, "'\(text)' is not an address: write scheme://host:port (tcp://127.0.0.1:7001, tls://…, mem://name)")
        }
        scheme = String(text[..<separator.lowerBound]).lowercased()
        let rest = String(text[separator.upperBound...])
        if let colon = rest.lastIndex(of: ":"), !rest.hasSuffix("]") {
            host = String(rest[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
            guard let number = Int(rest[rest.index(after: colon)...]), (0...65_535).contains(number) else {
                throw RemoteError(.badAddress, "'\(text)' has no valid port")
            }
            port = number
        } else {
            host = rest
            port = nil
        }
        guard !host.isEmpty else { throw RemoteError(.badAddress, "'\(text)' names no host") }
    }

    public var description: String {
        port.map { "\(scheme)://\(host.contains(":") ? "[\(host)]" : host):\($0)" } ?? "\(scheme)://\(host)"
    }
}

import Foundation
