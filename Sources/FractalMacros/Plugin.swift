import SwiftCompilerPlugin
import SwiftSyntaxMacros

/// The compiler plugin that provides Fractal's macros.
@main struct FractalMacrosPlugin: CompilerPlugin {
    let providingMacros: [any Macro.Type] = [InterfaceMacro.self]
}
