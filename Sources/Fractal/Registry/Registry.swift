import Synchronization

/// Interface signatures and content classes by name.
///
/// Architecture descriptions name signatures (`helloworld.Service`) and content classes
/// (`helloworld.ServerImpl`) as strings, and Swift cannot load a type by name at run time:
/// a program registers what it ships, once, before it loads an architecture. Code-first
/// programs rarely need to: ``InterfaceType/init(name:signature:role:contingency:cardinality:)``
/// registers its signature itself.
public final class Registry: Sendable {
    /// The registry factories use unless told otherwise.
    public static let shared = Registry()

    public typealias ContentFactory = @Sendable () throws -> any Sendable

    private struct State {
        var signatures: [String: InterfaceSignature] = [:]
        var signaturesByType: [ObjectIdentifier: InterfaceSignature] = [:]
        var contents: [String: ContentFactory] = [:]
    }

    private let state = Mutex(State())

    public init() {
        register(RunnableProxy.self)
        register(RunnableProxy.self, alias: "java.lang.Runnable")
        register(AttributeControlProxy.self)
    }

    /// Makes the signature of `proxy` known under a second name too (for architecture files
    /// written for another implementation).
    public func register<P: InterfaceProxy>(_ proxy: P.Type, alias: String) {
        let signature = register(proxy)
        state.withLock { $0.signatures[alias] = signature }
    }

    /// Makes the signature of an `@Interface` protocol known by its name.
    @discardableResult
    public func register<P: InterfaceProxy>(_ proxy: P.Type) -> InterfaceSignature {
        state.withLock { state in
            if let known = state.signatures[P.signatureName], known.existential == ObjectIdentifier(P.Signature.self) {
                return known
            }
            let signature = InterfaceSignature(proxy)
            state.signatures[signature.name] = signature
            state.signaturesByType[signature.existential] = signature
            return signature
        }
    }

    /// Makes a content class known by name; `make` creates one instance per component.
    public func registerContent(_ className: String, _ make: @escaping ContentFactory) {
        state.withLock { $0.contents[className] = make }
    }

    public func signature(named name: String) -> InterfaceSignature? {
        state.withLock { $0.signatures[name] }
    }

    /// The signature whose protocol existential is `type` (`(any Service).self`).
    public func signature<S>(for type: S.Type) -> InterfaceSignature? {
        signature(for: ObjectIdentifier(type))
    }

    /// The signature whose protocol existential has this identifier.
    func signature(for existential: ObjectIdentifier) -> InterfaceSignature? {
        state.withLock { $0.signaturesByType[existential] }
    }

    public var signatureNames: [String] { state.withLock { $0.signatures.keys.sorted() } }
    public var contentClassNames: [String] { state.withLock { $0.contents.keys.sorted() } }

    public func hasContentClass(_ name: String) -> Bool { state.withLock { $0.contents[name] != nil } }

    /// A new instance of content class `className`.
    public func makeContent(_ className: String) throws -> any Sendable {
        guard let make = state.withLock({ $0.contents[className] }) else {
            throw FractalError(.unknownContentClass, "no content class named '\(className)' is registered; register it with Registry.registerContent(\"\(className)\") { … }")
        }
        return try make()
    }

    /// True when `sub` is `base` or refines it, directly or through its parents.
    public func isSubsignature(_ sub: String, of base: String) -> Bool {
        let sub = signature(named: sub)?.name ?? sub
        let base = signature(named: base)?.name ?? base
        if sub == base { return true }
        var visited: Set<String> = [sub]
        var frontier = [sub]
        while let next = frontier.popLast() {
            for parent in signature(named: next)?.parentNames ?? [] {
                if parent == base { return true }
                if visited.insert(parent).inserted { frontier.append(parent) }
            }
        }
        return false
    }
}
