import ClifCore
import Foundation
import NIOCore
import NIOHTTP1

/// A sample's request as far as it is known before the load: parsed URL, headers, body and
/// checks; parts that hold `${…}` are resolved per call.
struct HTTPRequestTemplate: Sendable {
    var method: HTTPMethod
    /// The target when the URL is constant.
    var target: HTTPTarget?
    var uri: ParameterValue?
    var headers: [(name: String, value: ParameterValue)]
    var body: ParameterValue?
    /// A body read from a file at compile time.
    var fileBody: ByteBuffer?
    var type: String
    var comment: ParameterValue?
    var checks: HTTPChecks
    /// The whole request, encoded once, when nothing in it changes from call to call.
    var encoded: ByteBuffer?
}

/// HTTP/1.1 request bytes.
enum HTTPRequestEncoder {
    static func encode(method: HTTPMethod, target: HTTPTarget, headers: [(name: String, value: String)], cookie: String?, body: ByteBuffer?, keepAlive: Bool) -> ByteBuffer {
        var bytes = ByteBuffer()
        bytes.reserveCapacity(64 + target.path.utf8.count + headers.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count + 4 } + (body?.readableBytes ?? 0))
        bytes.writeString(method.rawValue)
        bytes.writeStaticString(" ")
        bytes.writeString(target.path)
        bytes.writeStaticString(" HTTP/1.1\r\nHost: ")
        bytes.writeString(target.authority)
        bytes.writeStaticString("\r\n")
        for header in headers {
            bytes.writeString(header.name)
            bytes.writeStaticString(": ")
            bytes.writeString(header.value)
            bytes.writeStaticString("\r\n")
        }
        if let cookie {
            bytes.writeStaticString("Cookie: ")
            bytes.writeString(cookie)
            bytes.writeStaticString("\r\n")
        }
        if !keepAlive { bytes.writeStaticString("Connection: close\r\n") }
        if let body {
            bytes.writeString("Content-Length: \(body.readableBytes)\r\n\r\n")
            var body = body
            bytes.writeBuffer(&body)
        } else {
            if [.POST, .PUT, .PATCH].contains(method) { bytes.writeStaticString("Content-Length: 0\r\n") }
            bytes.writeStaticString("\r\n")
        }
        return bytes
    }
}

/// What makes a response a success.
struct HTTPChecks: Sendable {
    /// Accepted status codes; empty: 200 to 399.
    var statuses: [ClosedRange<Int>] = []
    var bodyContains: ParameterValue?
    var header: (name: String, value: ParameterValue?)?

    /// Nil when the response passes, else what failed.
    func failure(_ response: HTTPResponse, _ session: SessionContext, body: () -> String) -> String? {
        let code = response.status
        if statuses.isEmpty ? !(200...399).contains(code) : !statuses.contains(where: { $0.contains(code) }) {
            return "status \(code)"
        }
        if let bodyContains {
            let part = session.resolve(bodyContains)
            if !body().contains(part) { return "body check" }
        }
        if let header {
            guard let value = response.header(header.name) else { return "header check" }
            if let expected = header.value, !value.contains(session.resolve(expected)) { return "header check" }
        }
        return nil
    }

    /// `200;`, `2xx;`, `200-204;301;`.
    static func statuses(_ text: String) throws(ScenarioError) -> [ClosedRange<Int>] {
        var ranges: [ClosedRange<Int>] = []
        for item in ParameterValue.list(text) {
            let lower = item.lowercased()
            if lower.count == 3, lower.hasSuffix("xx"), let hundreds = Int(lower.prefix(1)), (1...5).contains(hundreds) {
                ranges.append(hundreds * 100...hundreds * 100 + 99)
            } else if let dash = lower.firstIndex(of: "-"), let low = Int(lower[..<dash]), let high = Int(lower[lower.index(after: dash)...]), low <= high {
                ranges.append(low...high)
            } else if let code = Int(lower), (100...599).contains(code) {
                ranges.append(code...code)
            } else {
                throw ScenarioError("'\(item)' is not a status code (200), a class (2xx) or a range (200-204)", parameter: "checkStatus")
            }
        }
        return ranges
    }
}

extension HTTPRequestTemplate {
    /// `Name: value;` pairs, as ISAC lists are written.
    static func headers(_ value: ParameterValue?, parameter: String) throws(ScenarioError) -> [(name: String, value: ParameterValue)] {
        guard let value else { return [] }
        var headers: [(String, ParameterValue)] = []
        for item in ParameterValue.list(value.source) {
            guard let colon = item.firstIndex(of: ":") else {
                throw ScenarioError("header '\(item)' needs the form Name: value", parameter: parameter)
            }
            let name = item[..<colon].trimmedASCII
            guard !name.isEmpty, name.utf8.allSatisfy({ $0 > 32 && $0 < 127 && $0 != UInt8(ascii: ":") }) else {
                throw ScenarioError("'\(name)' is not a header name", parameter: parameter)
            }
            headers.append((name, ParameterValue(item[item.index(after: colon)...].trimmedASCII)))
        }
        return headers
    }
}
