import FractalXML

extension SourceLocation {
    /// Where a DSL element was written in Swift, so that the compiler's diagnostics point there.
    static func call(_ file: String, _ line: Int, _ column: Int) -> SourceLocation {
        SourceLocation(file: file, line: line, column: column)
    }
}
