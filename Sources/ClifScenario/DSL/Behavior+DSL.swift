import ClifCore

extension Behavior {
    /// ISAC's `<behavior id="…">`, written in Swift:
    ///
    /// ```swift
    /// Behavior("B0") {
    ///     Control("rand", "setUniform", ["min": "500", "max": "1500"])
    ///     While("common", "true") {
    ///         Sample("rand", "action", ["successful": "enable;"])
    ///     }
    /// }
    /// ```
    public init(_ id: String, file: String = #filePath, line: Int = #line, column: Int = #column, @StepBuilder _ steps: () -> [Step]) {
        self.init(id: id, steps: steps(), location: .call(file, line, column))
    }
}
