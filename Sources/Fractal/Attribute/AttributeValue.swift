/// A type an attribute can hold: it round-trips through the strings architecture files use.
public protocol AttributeValue: Sendable, Codable, Equatable {
    /// Parses the ADL spelling of a value; nil when `string` is not one.
    init?(attributeString string: String)
    /// The ADL spelling of the value.
    var attributeString: String { get }
}

extension AttributeValue where Self: LosslessStringConvertible {
    public init?(attributeString string: String) { self.init(string) }
    public var attributeString: String { description }
}

extension String: AttributeValue {}
extension Int: AttributeValue {}
extension Int8: AttributeValue {}
extension Int16: AttributeValue {}
extension Int32: AttributeValue {}
extension Int64: AttributeValue {}
extension UInt: AttributeValue {}
extension UInt8: AttributeValue {}
extension UInt16: AttributeValue {}
extension UInt32: AttributeValue {}
extension UInt64: AttributeValue {}
extension Float: AttributeValue {}
extension Double: AttributeValue {}

extension Bool: AttributeValue {
    public init?(attributeString string: String) {
        switch string.lowercased() {
        case "true", "yes", "1": self = true
        case "false", "no", "0": self = false
        default: return nil
        }
    }
    public var attributeString: String { description }
}
