/// One call as interceptors see it, local or remote alike.
public struct Invocation: Sendable, CustomStringConvertible {
    /// The component whose server interface is called.
    public let component: Component
    /// Path of that component, such as `/HelloWorld/server`.
    public var componentPath: String { component.path }
    /// Name of the server interface called.
    public let interface: String
    /// Method identifier, such as `print(_:)`.
    public let method: String
    /// The arguments, in declaration order.
    public let arguments: [any Codable & Sendable]
    /// True when the call arrived through a serialising path (another node).
    public let isRemote: Bool

    public init(component: Component, interface: String, method: String, arguments: [any Codable & Sendable], isRemote: Bool) {
        self.component = component
        self.interface = interface
        self.method = method
        self.arguments = arguments
        self.isRemote = isRemote
    }

    public var description: String {
        "\(componentPath)#\(interface).\(method)"
    }
}
