import ClifCore

/// Where requests go: scheme, host, port, and the path part of a URL.
struct HTTPTarget: Hashable, Sendable {
    var tls: Bool
    var host: String
    var port: Int
    /// The path and query, at least `/`.
    var path: String

    /// The `Host` header's value.
    var authority: String {
        (tls && port == 443) || (!tls && port == 80) ? host : "\(host):\(port)"
    }

    /// Parses `http://host[:port]/path?query` or `https://…`; a bare path (`/a`) is taken
    /// relative to `base`.
    init(_ text: String, base: HTTPTarget?) throws(ScenarioError) {
        var rest = Substring(text.trimmedASCII)
        if rest.hasPrefix("/") || (!rest.contains("://") && base != nil) {
            guard let base else { throw ScenarioError("'\(text)' is a path, but the plug-in has no baseURL to take it from") }
            self = base
            path = rest.hasPrefix("/") ? String(rest) : "/" + rest
            return
        }
        if rest.lowercased().hasPrefix("http://") {
            tls = false
            rest = rest.dropFirst(7)
        } else if rest.lowercased().hasPrefix("https://") {
            tls = true
            rest = rest.dropFirst(8)
        } else {
            throw ScenarioError("'\(text)' is not an http:// or https:// URL")
        }
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        let pathPart = rest[authorityEnd...]
        path = pathPart.isEmpty ? "/" : (pathPart.hasPrefix("?") ? "/" + pathPart : String(pathPart))
        var hostPart = Substring(authority)
        var portNumber = tls ? 443 : 80
        if hostPart.hasPrefix("[") {
            // [::1]:8080
            guard let close = hostPart.firstIndex(of: "]") else { throw ScenarioError("'\(text)': an IPv6 address needs its closing ]") }
            let after = hostPart[hostPart.index(after: close)...]
            let inside = hostPart[hostPart.index(after: hostPart.startIndex)..<close]
            if after.hasPrefix(":") {
                guard let value = Int(after.dropFirst()), (1...65535).contains(value) else { throw ScenarioError("'\(text)': bad port") }
                portNumber = value
            }
            hostPart = inside
        } else if let colon = hostPart.lastIndex(of: ":") {
            guard let value = Int(hostPart[hostPart.index(after: colon)...]), (1...65535).contains(value) else {
                throw ScenarioError("'\(text)': the port must be a number from 1 to 65535")
            }
            portNumber = value
            hostPart = hostPart[..<colon]
        }
        guard !hostPart.isEmpty else { throw ScenarioError("'\(text)' names no host") }
        host = String(hostPart)
        port = portNumber
    }

    init(tls: Bool, host: String, port: Int, path: String) {
        self.tls = tls
        self.host = host
        self.port = port
        self.path = path
    }
}
