/// The error every controller, factory and interface of the runtime throws.
///
/// `kind` is what a program matches on; `description` is what a person reads: it names
/// the component (by its path, such as `/HelloWorld/client`) and the interface involved,
/// and says what to do where there is something to do.
public struct FractalError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, for programs that react to it.
    public enum Kind: String, Sendable, Hashable, Codable {
        // Types and instantiation
        case duplicateInterfaceName
        case collectionNameConflict
        case unknownSignature
        case unknownContentClass
        case contentDoesNotImplement
        case contentHasNoClientPort
        case invalidType
        // Interfaces
        case noSuchInterface
        case noSuchController
        case noSuchMethod
        // Binding
        case notAClientInterface
        case notAServerInterface
        case alreadyBound
        case notBound
        case signatureMismatch
        case contingencyMismatch
        case notLocalBinding
        // Content
        case alreadyAdded
        case addToItself
        case cycle
        case notASubComponent
        case subComponentStillBound
        // Lifecycle
        case illegalLifeCycleState
        case mandatoryInterfaceUnbound
        case callDeadlineExceeded
        case lifeCycleHookFailed
        // Attributes
        case noSuchAttribute
        case badAttributeValue
        // Group communication
        case multicastDispatchFailed
        case gathercastTimeout
        // Calls through a serialising path
        case encodingFailed
        case decodingFailed
        case remoteFailure
        /// A call's result was too large for one frame of the connection back to its caller.
        case resultTooLarge
    }

    public let kind: Kind
    /// The path of the component involved (`/Top/sub`), when there is one.
    public let component: String?
    /// The interface involved, when there is one.
    public let interface: String?
    /// The sentence a person reads.
    public let message: String
    /// The node where it happened, for an error that came back from another node.
    public let node: String?

    public init(_ kind: Kind, component: String? = nil, interface: String? = nil, _ message: String) {
        self.init(kind, node: nil, component: component, interface: interface, message)
    }

    /// An error that happened on node `node`.
    public init(_ kind: Kind, node: String?, component: String? = nil, interface: String? = nil, _ message: String) {
        self.kind = kind
        self.node = node
        self.component = component
        self.interface = interface
        self.message = message
    }

    public var description: String {
        var place = node.map { "node \($0): " } ?? ""
        if let component { place += component }
        if let interface { place += component == nil ? "interface '\(interface)'" : "#\(interface)" }
        return place.isEmpty ? message : place.hasSuffix(": ") ? place + message : "\(place): \(message)"
    }
}
