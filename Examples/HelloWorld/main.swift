import Foundation
import Fractal
import FractalADL
import HelloWorldComponents

// The classic Fractal example, described in ADL/HelloWorld.fractal: a composite whose `r`
// interface is exported from a client primitive, which calls a server primitive through `s`.
//
//   HelloWorld ─ r ─> client ─ s ─> server (header, count)
//
// Run from the package folder (the ADL search path is ./ADL): swift run HelloWorld

HelloWorldComponents.register()
do {
    let helloWorld = try ADL.load("HelloWorld")
    try await helloWorld.lifeCycleController.start()
    try await helloWorld.interface(named: "r").callable(as: (any Runnable).self).run()
    try await helloWorld.lifeCycleController.stop()
} catch let error as ADLError {
    for diagnostic in error.diagnostics { print(diagnostic) }
    exit(1)
}
