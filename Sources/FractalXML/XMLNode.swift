/// An element of an XML file, with the place of the element and of each attribute.
package struct XMLNode: Sendable, Hashable {
    package struct Attribute: Sendable, Hashable {
        package var name: String
        package var value: String
        package var location: SourceLocation
    }

    package var name: String
    package var attributes: [Attribute]
    package var children: [XMLNode]
    package var location: SourceLocation

    package init(name: String, attributes: [Attribute] = [], children: [XMLNode] = [], location: SourceLocation) {
        self.name = name
        self.attributes = attributes
        self.children = children
        self.location = location
    }

    package subscript(attribute name: String) -> Attribute? {
        attributes.first { $0.name == name }
    }

    package func value(_ name: String) -> String? { self[attribute: name]?.value }

    /// Where attribute `name` is, or the element when it has none.
    package func location(of name: String) -> SourceLocation {
        self[attribute: name]?.location ?? location
    }
}
