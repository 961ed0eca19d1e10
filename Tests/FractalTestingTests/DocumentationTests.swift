import Foundation
import Testing

@Suite struct DocumentationTests {
    /// docs/distribution.md ("Testing with FractalTesting") shows HelloWorldAcrossNodesTests.swift
    /// whole, as it is compiled and run.
    @Test func theDocumentationShowsTheExampleTestAsItIs() throws {
        let example = World.package.appendingPathComponent("Tests/FractalTestingTests/HelloWorldAcrossNodesTests.swift")
        let listing = try String(contentsOf: example, encoding: .utf8)
        let page = try String(contentsOf: World.package.appendingPathComponent("docs/distribution.md"), encoding: .utf8)
        #expect(page.contains("```swift\n" + listing + "```\n"),
                "docs/distribution.md no longer shows Tests/FractalTestingTests/HelloWorldAcrossNodesTests.swift as it is")
    }
}
