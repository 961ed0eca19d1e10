/// Fractal's `AttributeController`: the ``Attribute``s a primitive's content declares, by name.
///
/// Values can be read and written typed, or as the strings architecture files use; a string
/// that does not convert is refused with an error naming the attribute and its type.
public struct AttributeController: Sendable {
    public let component: Component

    /// Attribute names, in declaration order.
    public var names: [String] { component.attributes.map(\.name) }

    /// The value of attribute `name`, spelled as in an architecture file.
    public func string(_ name: String) throws -> String {
        try attribute(name).stringValue
    }

    /// The value of attribute `name`.
    ///
    /// - Throws: ``FractalError/Kind/badAttributeValue`` when it is not a `T`.
    public func value<T: AttributeValue>(_ name: String, as type: T.Type = T.self) throws -> T {
        let attribute = try attribute(name)
        guard let value = attribute.anyValue as? T else {
            throw FractalError(.badAttributeValue, component: component.path, interface: "attribute-controller",
                               "attribute '\(name)' holds a \(attribute.valueTypeName), not a \(T.self)")
        }
        return value
    }

    /// The Swift type name of attribute `name` (`Int`, `String`, …).
    public func typeName(_ name: String) throws -> String {
        try attribute(name).valueTypeName
    }

    /// Sets attribute `name` from its string spelling.
    ///
    /// - Throws: ``FractalError/Kind/badAttributeValue`` when `string` does not convert.
    public func set(_ name: String, string: String) throws {
        let attribute = try attribute(name)
        guard attribute.setString(string) else {
            throw FractalError(.badAttributeValue, component: component.path, interface: "attribute-controller",
                               "attribute '\(name)' is a \(attribute.valueTypeName): '\(string)' is not a valid \(attribute.valueTypeName)")
        }
    }

    /// Sets attribute `name` to `value`.
    public func set<T: AttributeValue>(_ name: String, _ value: T) throws {
        let attribute = try attribute(name)
        guard attribute.setAny(value) else {
            throw FractalError(.badAttributeValue, component: component.path, interface: "attribute-controller",
                               "attribute '\(name)' is a \(attribute.valueTypeName), not a \(T.self)")
        }
    }

    private func attribute(_ name: String) throws -> any AnyAttribute {
        guard let found = component.attributes.first(where: { $0.name == name }) else {
            throw FractalError(.noSuchAttribute, component: component.path, interface: "attribute-controller",
                               "no attribute named '\(name)' (the component has: \(names.isEmpty ? "none" : names.joined(separator: ", ")))")
        }
        return found.attribute
    }
}

extension Component {
    /// The attribute controller of a component whose content declares attributes.
    ///
    /// - Throws: ``FractalError/Kind/noSuchController`` when it declares none.
    public var attributeController: AttributeController {
        get throws {
            guard !attributes.isEmpty else {
                throw FractalError(.noSuchController, component: path, interface: "attribute-controller",
                                   "the component has no attributes, so no attribute controller")
            }
            return AttributeController(component: self)
        }
    }
}
