import ClifCore
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// `HttpInjector`: HTTP/1.1 requests over keep-alive connections, one connection per session,
/// on SwiftNIO. Register it with ``register(in:group:)``; run sessions on ``executors`` so that
/// each one shares its connection's thread.
public struct HTTPInjectorPlugin: ScenarioPlugin {
    public let group: any EventLoopGroup
    /// TLS to the system under test: the system's trust store unless the `<use>` names roots
    /// or is `insecure`.
    private let tls: TLSContexts

    public init(group: any EventLoopGroup) {
        self.group = group
        self.tls = TLSContexts()
    }

    /// Registers the plug-in under its name, `HttpInjector`.
    public static func register(in registry: PluginRegistry, group: any EventLoopGroup) {
        registry.register(HTTPInjectorPlugin(group: group))
    }

    /// One executor per event loop of `group`, for ``EngineOptions/executors``.
    public static func executors(of group: any EventLoopGroup) -> [any TaskExecutor] {
        group.makeIterator().map { EventLoopTaskExecutor($0) }
    }

    static let methods: [(String, HTTPMethod)] = [("get", .GET), ("post", .POST), ("put", .PUT), ("delete", .DELETE), ("head", .HEAD), ("patch", .PATCH)]

    static let requestParameters = [
        ParameterSpec("uri", "an absolute http(s) URL, or a path taken relative to baseURL", required: true),
        ParameterSpec("headers", "Name: value; pairs added to the plug-in's headers"),
        ParameterSpec("body", "the request body"),
        ParameterSpec("bodyFile", "a file beside the scenario sent as the body"),
        ParameterSpec("type", "the action type (default: the method, GET)"),
        ParameterSpec("comment", "the action event's comment (default: the URL)"),
        ParameterSpec("checkStatus", "accepted statuses: 200; 2xx; 200-204; (default 200 to 399)"),
        ParameterSpec("checkBody", "text the body must contain"),
        ParameterSpec("checkHeader", "Name or Name: part, a header the response must have"),
    ]

    public let descriptor = PluginDescriptor(
        name: "HttpInjector", summary: "HTTP/1.1 requests (GET, POST, PUT, DELETE, HEAD, PATCH) over a keep-alive connection per session; TLS; cookies",
        parameters: [
            ParameterSpec("baseURL", "http(s)://host:port that paths are relative to"),
            ParameterSpec("headers", "Name: value; pairs sent with every request"),
            ParameterSpec("connectTimeout", "ms (5000)"), ParameterSpec("responseTimeout", "ms (30000)"),
            ParameterSpec("keepAlive", "checkbox (enable;, the default): reuse the connection"),
            ParameterSpec("cookies", "checkbox (enable;, the default): keep cookies per session"),
            ParameterSpec("insecure", "checkbox: accept any TLS certificate"),
            ParameterSpec("trustRoots", "a PEM file of CA certificates (beside the scenario) for TLS"),
        ],
        samples: methods.map { OperationSpec($0.0, "a \($0.1.rawValue) request", requestParameters) },
        variables: nil)

    public func prepare(_ operation: PreparingOperation) throws -> (any Sendable)? {
        guard operation.kind == .sample else { return nil }
        let base = try Self.base(operation.useParameters)
        let method = Self.methods[operation.number].1
        var template = HTTPRequestTemplate(method: method, target: nil, uri: operation.parameters["uri"], headers: [], body: operation.parameters["body"],
                                           fileBody: nil, type: operation.parameters.constant("type") ?? method.rawValue,
                                           comment: operation.parameters["comment"], checks: HTTPChecks())
        if let uri = operation.parameters.constant("uri") {
            do { template.target = try HTTPTarget(uri, base: base) } catch { throw ScenarioError(error.message, parameter: "uri") }
        } else if operation.parameters["uri"] == nil {
            throw ScenarioError("needs parameter 'uri'", parameter: "uri")
        }
        template.headers = try HTTPRequestTemplate.headers(operation.useParameters["headers"], parameter: "headers")
            + HTTPRequestTemplate.headers(operation.parameters["headers"], parameter: "headers")
        if let file = operation.parameters.constant("bodyFile"), !file.isEmpty {
            let path = scenarioFile(file, in: operation.directory)
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ScenarioError("no file '\(file)' beside the scenario (looked for \(path))", parameter: "bodyFile")
            }
            template.fileBody = ByteBuffer(bytes: data)
        }
        if let statuses = operation.parameters.constant("checkStatus"), !statuses.isEmpty {
            template.checks.statuses = try HTTPChecks.statuses(statuses)
        }
        template.checks.bodyContains = operation.parameters["checkBody"].flatMap { $0.source.isEmpty ? nil : $0 }
        if let header = operation.parameters["checkHeader"], !header.source.isEmpty {
            if let colon = header.source.firstIndex(of: ":") {
                template.checks.header = (header.source[..<colon].trimmedASCII, ParameterValue(header.source[header.source.index(after: colon)...].trimmedASCII))
            } else {
                template.checks.header = (header.source.trimmedASCII, nil)
            }
        }
        // Everything constant: encode the request once.
        let keepAlive = operation.useParameters.constant("keepAlive").map(ParameterValue.isChecked) ?? true
        if let target = template.target, template.headers.allSatisfy({ $0.value.constant != nil }),
           template.fileBody != nil || template.body == nil || template.body?.constant != nil {
            let body = template.fileBody ?? template.body?.constant.map { ByteBuffer(string: $0) }
            template.encoded = HTTPRequestEncoder.encode(method: method, target: target, headers: template.headers.map { ($0.name, $0.value.constant!) },
                                                        cookie: nil, body: body, keepAlive: keepAlive)
        }
        if operation.useParameters.constant("trustRoots").map({ !$0.isEmpty }) == true {
            _ = try tls.context(for: operation.useParameters, directory: operation.directory)
        }
        return template
    }

    static func base(_ parameters: Parameters) throws -> HTTPTarget? {
        guard let text = parameters.constant("baseURL"), !text.isEmpty else { return nil }
        do { return try HTTPTarget(text, base: nil) } catch { throw ScenarioError("baseURL: \(error.message)") }
    }

    public func makeInstance(_ context: InstanceContext) throws -> any PluginInstance {
        let parameters = context.parameters
        func milliseconds(_ name: String, _ fallback: Int64) throws -> TimeAmount {
            guard let text = parameters.constant(name)?.trimmedASCII, !text.isEmpty else { return .milliseconds(fallback) }
            guard let value = Double(text), value > 0 else { throw ScenarioError("HttpInjector: \(name) must be a number of ms above 0, not '\(text)'") }
            return .nanoseconds(Int64(value * 1e6))
        }
        let needsTLS = parameters.constant("trustRoots").map { !$0.isEmpty } == true || ParameterValue.isChecked(parameters.constant("insecure") ?? "")
        return HTTPSessionInstance(
            group: group, base: try Self.base(parameters),
            connectTimeout: try milliseconds("connectTimeout", 5_000), responseTimeout: try milliseconds("responseTimeout", 30_000),
            keepAlive: parameters.constant("keepAlive").map(ParameterValue.isChecked) ?? true,
            cookies: parameters.constant("cookies").map(ParameterValue.isChecked) ?? true,
            tls: { [tls] in try tls.context(for: needsTLS ? parameters : Parameters(), directory: context.directory) })
    }
}

/// TLS client contexts, made once per configuration (they are costly to make).
final class TLSContexts: Sendable {
    private let contexts = NIOLockedValueBox<[String: NIOSSLContext]>([:])

    func context(for parameters: Parameters, directory: String) throws -> NIOSSLContext {
        let insecure = ParameterValue.isChecked(parameters.constant("insecure") ?? "")
        let roots = parameters.constant("trustRoots").flatMap { $0.isEmpty ? nil : scenarioFile($0, in: directory) }
        let key = "\(insecure)|\(roots ?? "")"
        return try contexts.withLockedValue { contexts in
            if let context = contexts[key] { return context }
            var configuration = TLSConfiguration.makeClientConfiguration()
            if insecure { configuration.certificateVerification = .none }
            if let roots {
                guard FileManager.default.fileExists(atPath: roots) else {
                    throw ScenarioError("HttpInjector: no trustRoots file \(roots)", parameter: "trustRoots")
                }
                configuration.trustRoots = .file(roots)
            }
            do {
                let context = try NIOSSLContext(configuration: configuration)
                contexts[key] = context
                return context
            } catch {
                throw ScenarioError("HttpInjector: TLS configuration: \(error)", parameter: "trustRoots")
            }
        }
    }
}

import FractalXML
import NIOConcurrencyHelpers
