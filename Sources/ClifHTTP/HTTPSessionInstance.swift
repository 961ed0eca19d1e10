import ClifCore
import NIOCore
import NIOHTTP1
import NIOSSL

/// A session's HTTP instance: its keep-alive connection, its cookies, its last response.
final class HTTPSessionInstance: PluginInstance {
    let group: any EventLoopGroup
    let base: HTTPTarget?
    let connectTimeout: TimeAmount
    let responseTimeout: TimeAmount
    let keepAlive: Bool
    let keepsCookies: Bool
    let makeTLS: () throws -> NIOSSLContext

    private var connection: HTTPConnection?
    private var cookies: [String: String] = [:]
    private var last: HTTPResponse?
    private var loop: (any EventLoop)?

    init(group: any EventLoopGroup, base: HTTPTarget?, connectTimeout: TimeAmount, responseTimeout: TimeAmount, keepAlive: Bool, cookies: Bool,
         tls: @escaping () throws -> NIOSSLContext) {
        self.group = group
        self.base = base
        self.connectTimeout = connectTimeout
        self.responseTimeout = responseTimeout
        self.keepAlive = keepAlive
        self.keepsCookies = cookies
        self.makeTLS = tls
    }

    func sample(_ call: OperationCall, _ session: SessionContext) async -> SampleResult {
        guard let template = call.prepared as? HTTPRequestTemplate else {
            return .failed(call.name, "HttpInjector.\(call.name) was not prepared")
        }
        let target: HTTPTarget
        if let constant = template.target {
            target = constant
        } else {
            do { target = try HTTPTarget(session.resolve(template.uri ?? ParameterValue("/")), base: base) } catch {
                return .failed(template.type, "bad url", comment: error.message)
            }
        }
        let comment = template.comment.map(session.resolve) ?? target.path
        let bytes: ByteBuffer
        if let encoded = template.encoded, cookies.isEmpty || !keepsCookies {
            bytes = encoded
        } else {
            var body = template.fileBody
            if body == nil, let text = template.body.map(session.resolve) { body = ByteBuffer(string: text) }
            let cookie = keepsCookies && !cookies.isEmpty ? cookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") : nil
            bytes = HTTPRequestEncoder.encode(method: template.method, target: target, headers: template.headers.map { ($0.name, session.resolve($0.value)) },
                                             cookie: cookie, body: body, keepAlive: keepAlive)
        }

        let response: HTTPResponse
        do {
            response = try await send(bytes, isHEAD: template.method == .HEAD, to: target, session)
        } catch let failure as HTTPFailure {
            return SampleResult(type: template.type, success: false, comment: comment, result: failure.description, failure: failure.kind,
                                interrupted: failure.kind == "stopped")
        } catch {
            return .failed(template.type, "error", comment: comment, result: "\(error)")
        }
        last = response
        if keepsCookies { remember(response) }
        let failure = template.checks.failure(response, session) { Self.text(response.body) }
        return SampleResult(type: template.type, success: failure == nil, comment: comment, result: String(response.status),
                            failure: failure, sent: response.sent, completed: response.completed)
    }

    /// Sends on the session's connection, connecting first if needed; a reused connection that
    /// closes before any byte of the response comes back is replaced and the request sent again.
    @inline(__always)
    private func send(_ bytes: ByteBuffer, isHEAD: Bool, to target: HTTPTarget, _ session: SessionContext) async throws -> HTTPResponse {
        for attempt in 0..<2 {
            let connection = try await connection(to: target, session)
            do {
                let response = try await connection.send(bytes, isHEAD: isHEAD, timeout: responseTimeout, clock: session.clock)
                connection.answered += 1
                if response.closes || !keepAlive {
                    self.connection = nil
                    await connection.close()
                }
                return response
            } catch let failure as HTTPFailure {
                self.connection = nil
                await connection.close()
                if case .closed(receivedBytes: false) = failure, connection.answered > 0, attempt == 0, !Task.isCancelled { continue }
                throw failure
            }
        }
        throw HTTPFailure.closed(receivedBytes: false)
    }

    @inline(__always)
    private func connection(to target: HTTPTarget, _ session: SessionContext) async throws(HTTPFailure) -> HTTPConnection {
        if let connection, connection.target.host == target.host, connection.target.port == target.port, connection.target.tls == target.tls,
           connection.channel.isActive {
            return connection
        }
        if let old = connection {
            connection = nil
            await old.close()
        }
        let loop = self.loop ?? (session.executor as? EventLoopTaskExecutor)?.loop ?? group.next()
        self.loop = loop
        var tls: NIOSSLContext?
        if target.tls {
            do { tls = try makeTLS() } catch { throw .tls("\(error)") }
        }
        let connection = try await HTTPConnection.connect(to: target, on: loop, timeout: connectTimeout, tls: tls)
        self.connection = connection
        let (channel, handler) = (connection.channel, connection.handler)
        session.onStop { HTTPConnection.stopSoon(channel, handler) }
        return connection
    }

    private func remember(_ response: HTTPResponse) {
        // Most responses set no cookie: look at the bytes before making strings.
        guard response.setsCookie else { return }
        for value in response.headers(named: "Set-Cookie") {
            let pair = value.prefix { $0 != ";" }
            guard let equals = pair.firstIndex(of: "=") else { continue }
            let name = pair[..<equals].trimmingCharacters(in: .whitespaces)
            let cookie = String(pair[pair.index(after: equals)...])
            if cookie.isEmpty || value.lowercased().contains("max-age=0") { cookies[name] = nil } else { cookies[name] = cookie }
        }
    }

    static func text(_ body: ByteBuffer?) -> String {
        guard let body else { return "" }
        return String(buffer: body)
    }

    /// `status`, `body`, `header.Name`, `cookie.name` of the last response.
    func variable(_ name: String, _ session: SessionContext) -> String? {
        switch name {
        case "", "status": return last.map { String($0.status) }
        case "body": return Self.text(last?.body)
        default:
            if name.hasPrefix("header.") { return last?.header(String(name.dropFirst(7))) }
            if name.hasPrefix("cookie.") { return cookies[String(name.dropFirst(7))] }
            return nil
        }
    }

    func close() async {
        if let connection {
            self.connection = nil
            await connection.close()
        }
    }
}

import Foundation
