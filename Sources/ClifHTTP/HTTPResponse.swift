import NIOCore

/// What came back for one request, with the times the handler took on the engine's clock.
struct HTTPResponse {
    var status: Int
    /// The head's bytes (status line and headers), parsed only when a check or a variable asks.
    var head: ByteBuffer
    /// The body, up to ``HTTPSampleHandler/bodyLimit`` bytes; `bodyLength` counts all of it.
    var body: ByteBuffer?
    var bodyLength: Int
    var sent: Int64
    var completed: Int64
    /// The server asked to close the connection after this response.
    var closes: Bool
    /// The head has a `Set-Cookie` line (seen while parsing it).
    var setsCookie: Bool

    /// The values of header `name` (case-insensitive), in order.
    func headers(named name: String) -> [String] {
        let text = String(buffer: head)
        var values: [String] = []
        for line in text.split(separator: "\r\n").dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            if line[..<colon].lowercased() == name.lowercased() {
                values.append(line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
            }
        }
        return values
    }

    func header(_ name: String) -> String? { headers(named: name).first }
}

/// Why a request got no response.
enum HTTPFailure: Error, CustomStringConvertible {
    case refused(String)
    case connectTimeout
    case responseTimeout
    case reset
    /// The connection closed before the response was complete.
    case closed(receivedBytes: Bool)
    case badResponse(String)
    case tls(String)
    /// The test stopped while the request was in flight.
    case stopped
    case other(String)

    /// The short kind an error count is kept under.
    var kind: String {
        switch self {
        case .refused: "refused"
        case .connectTimeout: "connect timeout"
        case .responseTimeout: "timeout"
        case .reset: "reset"
        case .closed: "closed"
        case .badResponse: "bad response"
        case .tls: "tls"
        case .stopped: "stopped"
        case .other: "error"
        }
    }

    var description: String {
        switch self {
        case .refused(let detail): "connection refused (\(detail))"
        case .connectTimeout: "connect timeout"
        case .responseTimeout: "no response within the response timeout"
        case .reset: "connection reset by the server"
        case .closed: "connection closed before the response ended"
        case .badResponse(let detail): "malformed response: \(detail)"
        case .tls(let detail): "TLS: \(detail)"
        case .stopped: "stopped with the test"
        case .other(let detail): detail
        }
    }
}

import Foundation
