import Synchronization

/// A configurable property of a primitive's content, seen by its attribute controller.
///
/// Declare attributes as stored `let` properties of the content; the component finds them when
/// it is created. The attribute's name is the one given, or else the property's name.
///
/// ```swift
/// final class Server: Service {
///     let header = Attribute("header", "->")
///     let count = Attribute("count", 1)
/// }
/// ```
public final class Attribute<Value: AttributeValue>: Sendable {
    public let declaredName: String?
    private let state: Mutex<Value>

    public init(_ name: String? = nil, _ initialValue: Value) {
        declaredName = name
        state = Mutex(initialValue)
    }

    /// The current value; safe to read and write from any task.
    public var value: Value {
        get { state.withLock { $0 } }
        set { state.withLock { $0 = newValue } }
    }
}

/// The type-erased face of ``Attribute`` the attribute controller works with.
protocol AnyAttribute: AnyObject, Sendable {
    var declaredName: String? { get }
    var valueTypeName: String { get }
    var stringValue: String { get }
    var anyValue: any AttributeValue { get }
    /// Returns false when `string` is not a valid value.
    func setString(_ string: String) -> Bool
    /// Returns false when `value` is not of the attribute's type.
    func setAny(_ value: any AttributeValue) -> Bool
}

extension Attribute: AnyAttribute {
    var valueTypeName: String { "\(Value.self)" }
    var stringValue: String { value.attributeString }
    var anyValue: any AttributeValue { value }

    func setString(_ string: String) -> Bool {
        guard let parsed = Value(attributeString: string) else { return false }
        value = parsed
        return true
    }

    func setAny(_ newValue: any AttributeValue) -> Bool {
        guard let typed = newValue as? Value else { return false }
        value = typed
        return true
    }
}
