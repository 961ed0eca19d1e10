/// Who a binding calls for, as a server interface sees it.
struct CallOrigin: Sendable {
    /// True when calls arrive through a serialising path (another node).
    var isRemote: Bool
    /// The client interface the binding starts from, when known (gathercast orders by it).
    var client: (any Interface)?
    /// The gathercast member the binding made, when it leads to a gathercast interface.
    var member: GathercastMember? = nil

    static let local = CallOrigin(isRemote: false, client: nil)
}

/// Something calls can be sent to, as any interface protocol it implements.
protocol EndpointSource: Sendable {
    /// An endpoint through which calls reach the implementation as `S`.
    ///
    /// - Throws: ``FractalError/Kind/signatureMismatch`` when the implementation is not an `S`.
    func endpoint<S: Sendable>(_ signature: S.Type, origin: CallOrigin) throws -> Endpoint<S>
}

/// An interface that can be called: an external server interface, or a composite's internal
/// server interface (the inside of one of its client interfaces).
protocol CallTarget: Interface, EndpointSource {}
