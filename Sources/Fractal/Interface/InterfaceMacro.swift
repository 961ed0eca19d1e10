/// Derives, for an interface protocol `P`, a peer type `PProxy` that is both the client-side
/// stub (it implements `P` by sending every call to an ``Endpoint``) and the server-side
/// dispatcher (it decodes a serialised call and invokes it on an ``Endpoint``).
///
/// Every method of `P` must be `async throws`, with `Codable & Sendable` arguments and result,
/// so that one interface serves local and remote bindings alike. The signature name defaults
/// to the protocol's name.
///
/// ```swift
/// @Interface("helloworld.Service")
/// public protocol Service: Sendable {
///     func print(_ message: String) async throws
/// }
/// ```
@attached(peer, names: suffixed(Proxy))
public macro Interface() = #externalMacro(module: "FractalMacros", type: "InterfaceMacro")

/// Derives `PProxy` for an interface protocol, registered under the signature name `name`.
@attached(peer, names: suffixed(Proxy))
public macro Interface(_ name: String) = #externalMacro(module: "FractalMacros", type: "InterfaceMacro")

/// Derives `PProxy` for an interface protocol that is a sub-signature of `parents`: a server of
/// this signature may be bound to clients of any parent signature. The protocol repeats the
/// parents' methods it offers.
@attached(peer, names: suffixed(Proxy))
public macro Interface(_ name: String, refining parents: String...) = #externalMacro(module: "FractalMacros", type: "InterfaceMacro")
