import Synchronization

/// The server side of a serialising path: server interfaces exported by name, and the
/// dispatch of encoded calls to them.
///
/// Calls arrive as bytes, are decoded by the `@Interface`-generated dispatcher of the
/// signature the caller names, and go through the interface's membrane like any local call
/// (lifecycle gate, interceptors, which see them with `isRemote == true`).
public final class ExportTable: Sendable {
    /// Exported interfaces, with their owners: an export keeps its component alive.
    private let exported = Mutex<[String: Export]>([:])

    /// One exported interface, and the caller signatures already checked against it, each with
    /// the endpoint its calls go through.
    private final class Export: Sendable {
        let target: any CallTarget
        let owner: Component
        var member: GathercastMember? { origin.member }
        private let checked = Mutex<[String: (signature: InterfaceSignature, endpoint: any AnyObject & Sendable)]>([:])
        private let origin: CallOrigin

        init(target: any CallTarget, owner: Component, member: GathercastMember?) {
            self.target = target
            self.owner = owner
            self.origin = CallOrigin(isRemote: true, client: nil, member: member)
        }

        /// The caller's signature `name`, once known here and a super-signature of the target's,
        /// and the endpoint for calls with it.
        func signature(named name: String) throws -> (signature: InterfaceSignature, endpoint: any AnyObject & Sendable) {
            if let known = checked.withLock({ $0[name] }) { return known }
            let registry = owner.registry
            guard let signature = registry.signature(named: name) else {
                throw FractalError(.unknownSignature, component: owner.path, interface: target.name,
                                   "the caller uses signature '\(name)', unknown on this side")
            }
            guard registry.isSubsignature(target.type.signature, of: signature.name) else {
                throw FractalError(.signatureMismatch, component: owner.path, interface: target.name,
                                   "the caller holds '\(name)', but the interface is a '\(target.type.signature)'")
            }
            let known = (signature: signature, endpoint: try signature.endpoint(of: target, origin: origin))
            checked.withLock { $0[name] = known }
            return known
        }
    }

    /// The node this table serves for, named in the failures it replies with.
    public let node: String?

    public init(node: String? = nil) {
        self.node = node
    }

    /// Makes server interface `interface` callable under `name`; calls to a gathercast
    /// interface then come from `member` (one export per remote client).
    public func export(_ interface: any Interface, as name: String, member: GathercastMember? = nil) throws {
        guard let target = interface as? any CallTarget else {
            throw FractalError(.notAServerInterface, component: interface.owner.path, interface: interface.name,
                               "only server interfaces can be exported")
        }
        exported.withLock { $0[name] = Export(target: target, owner: interface.owner, member: member) }
    }

    /// The encoded reply of a call that failed with `error` before reaching any interface.
    package static func failureReply(_ error: any Error, node: String? = nil) -> [UInt8] {
        CallReply.failure(error, component: nil, interface: nil, node: node).encoded()
    }

    /// The target an encoded request names, without decoding the rest.
    package static func target(of request: [UInt8]) -> String? {
        var reader = WireReader(request)
        guard (try? reader.readByte()) == CallRequest.version else { return nil }
        return try? reader.readString()
    }

    /// `request` with `prefix` put before its target (`@node/` to route it), or nil when it is
    /// not a call message.
    package static func retargeted(_ request: [UInt8], prefix: String) -> [UInt8]? {
        var reader = WireReader(request)
        guard (try? reader.readByte()) == CallRequest.version, let target = try? reader.readString() else { return nil }
        let rest = request[(1 + 4 + target.utf8.count)...]
        var writer = WireWriter(capacity: request.count + prefix.utf8.count)
        writer.write(CallRequest.version)
        writer.write(prefix + target)
        writer.append(rest)
        return writer.bytes
    }

    public func unexport(_ name: String) {
        _ = exported.withLock { $0.removeValue(forKey: name) }
    }

    /// The names exported that start with `prefix`.
    public func names(startingWith prefix: String) -> [String] {
        exported.withLock { $0.keys.filter { $0.hasPrefix(prefix) } }
    }

    /// Removes every export whose name starts with `prefix`; returns the members they served.
    @discardableResult
    public func unexport(startingWith prefix: String) -> [GathercastMember] {
        exported.withLock { table in
            let names = table.keys.filter { $0.hasPrefix(prefix) }
            return names.compactMap { table.removeValue(forKey: $0)?.member }
        }
    }

    /// Performs one encoded call and returns the encoded reply. Never throws: failures travel
    /// back in the reply.
    public func handle(_ request: [UInt8]) async -> [UInt8] {
        await handle(request, strippingPrefix: nil)
    }

    /// Like ``handle(_:)``, for a target that may start with `prefix` (a node's own address).
    package func handle(_ request: [UInt8], strippingPrefix prefix: String?) async -> [UInt8] {
        var export: Export?
        do {
            var call = try CallRequest(decoding: request)
            if let prefix, call.target.hasPrefix(prefix) { call.target.removeFirst(prefix.count) }
            export = exported.withLock { $0[call.target] }
            guard let export else {
                throw FractalError(.noSuchInterface, interface: call.target, "nothing is exported as '\(call.target)'")
            }
            let (signature, endpoint) = try export.signature(named: call.signature)
            guard signature.methodNames.contains(call.method) else {
                throw FractalError(.noSuchMethod, component: export.owner.path, interface: export.target.name,
                                   "signature '\(call.signature)' has no method '\(call.method)'")
            }
            var arguments = DataArgumentDecoder(call.arguments)
            let result = try await signature.dispatch(call.method, &arguments, on: endpoint)
            return try CallReply.success(encoding: result)
        } catch {
            // The component's path is only worked out for a failure: it costs a walk up the tree.
            return CallReply.failure(error, component: export?.owner.path, interface: export?.target.name, node: node).encoded()
        }
    }
}
