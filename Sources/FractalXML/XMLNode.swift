/// An element of an XML file, with the place of the element and of each attribute.
public struct XMLNode: Sendable, Hashable {
    public struct Attribute: Sendable, Hashable {
        public var name: String
        public var value: String
        public var location: SourceLocation
    }

    public var name: String
    public var attributes: [Attribute]
    public var children: [XMLNode]
    public var location: SourceLocation

    public init(name: String, attributes: [Attribute] = [], children: [XMLNode] = [], location: SourceLocation) {
        self.name = name
        self.attributes = attributes
        self.children = children
        self.location = location
    }

    public subscript(attribute name: String) -> Attribute? {
        attributes.first { $0.name == name }
    }

    public func value(_ name: String) -> String? { self[attribute: name]?.value }

    /// Where attribute `name` is, or the element when it has none.
    public func location(of name: String) -> SourceLocation {
        self[attribute: name]?.location ?? location
    }
}
