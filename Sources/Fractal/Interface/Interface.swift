/// One interface of a component: Fractal's `Interface`.
///
/// Interfaces are identities that bindings connect. To *call* a server interface from outside
/// a component, ask it for a typed proxy with ``Interface/callable(as:)``.
public protocol Interface: AnyObject, Sendable, CustomStringConvertible {
    /// The component this interface belongs to.
    var owner: Component { get }
    var name: String { get }
    var type: InterfaceType { get }
    /// True for the inside face of a composite's interface (what its sub-components bind to).
    var isInternal: Bool { get }
}

extension Interface {
    public var description: String {
        "\(owner.path)#\(name)\(isInternal ? " (internal)" : "")"
    }

    /// A proxy that calls this server interface through its membrane (lifecycle gate, interceptors).
    ///
    /// - Parameter signature: the protocol existential, such as `(any Service).self`.
    /// - Throws: ``FractalError/Kind/notAServerInterface`` for a client interface;
    ///   ``FractalError/Kind/signatureMismatch`` when the interface does not implement `S`.
    public func callable<S: Sendable>(as signature: S.Type) throws -> S {
        guard let target = self as? any CallTarget else {
            throw FractalError(.notAServerInterface, component: owner.path, interface: name,
                               "'\(name)' is a client interface: only server interfaces can be called")
        }
        guard let known = owner.registry.signature(for: S.self) else {
            throw FractalError(.unknownSignature, component: owner.path, interface: name,
                               "\(S.self) is not a registered @Interface protocol; register it with Registry.register(\(S.self)Proxy.self), or call callable(\(S.self)Proxy.self)")
        }
        guard owner.registry.isSubsignature(type.signature, of: known.name) else {
            throw FractalError(.signatureMismatch, component: owner.path, interface: name,
                               "interface '\(name)' has signature \(type.signature), which is not a \(known.name)")
        }
        let proxy = try known.makeProxy(to: target, origin: .local)
        return proxy as! S
    }

    /// A proxy of type `P` that calls this server interface through its membrane; needs no
    /// registration.
    public func callable<P: InterfaceProxy>(_ proxy: P.Type) throws -> P {
        _ = owner.registry.register(proxy)
        return try callable(as: P.Signature.self) as! P
    }
}
