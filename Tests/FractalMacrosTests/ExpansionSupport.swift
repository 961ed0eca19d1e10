import FractalMacros
import SwiftSyntaxMacroExpansion
import SwiftSyntaxMacrosGenericTestSupport
import Testing

/// The macros under test, by the name they are attached with.
let interfaceMacros: [String: MacroSpec] = ["Interface": MacroSpec(type: InterfaceMacro.self)]

/// Expands `@Interface` in `source` and checks the expanded source, the diagnostics and, when
/// given, the source after applying every Fix-It.
///
/// Each mismatch is recorded as a Swift Testing issue at the caller's location (or, for a
/// diagnostic, where its ``DiagnosticSpec`` is written).
func assertInterfaceExpansion(
    _ source: String,
    expandedSource: String,
    diagnostics: [DiagnosticSpec] = [],
    fixedSource: String? = nil,
    fileID: StaticString = #fileID,
    filePath: StaticString = #filePath,
    line: UInt = #line,
    column: UInt = #column
) {
    assertMacroExpansion(
        source,
        expandedSource: expandedSource,
        diagnostics: diagnostics,
        macroSpecs: interfaceMacros,
        fixedSource: fixedSource,
        failureHandler: { failure in
            Issue.record(
                Comment(rawValue: failure.message),
                sourceLocation: SourceLocation(
                    fileID: failure.location.fileID,
                    filePath: failure.location.filePath,
                    line: failure.location.line,
                    column: failure.location.column))
        },
        fileID: fileID,
        filePath: filePath,
        line: line,
        column: column)
}
