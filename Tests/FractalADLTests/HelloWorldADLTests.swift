import Fractal
import FractalADL
import HelloWorldComponents
import Testing

@Suite struct HelloWorldADLTests {
    init() { HelloWorldComponents.register() }

    static var adlPath: String {
        // Tests run from the package folder; this file is Tests/FractalADLTests/….
        let file = #filePath
        let package = file.components(separatedBy: "/Tests/").first ?? "."
        return package + "/ADL"
    }

    @Test func shippedHelloWorldLoadsStartsAndRuns() async throws {
        let component = try ADL.load("HelloWorld", searchPath: [Self.adlPath])
        try await component.lifeCycleController.start()
        try await component.interface(named: "r").callable(as: (any Runnable).self).run()
        #expect(try component.contentController.subComponents.map(\.name) == ["client", "server"])
        try await component.lifeCycleController.stop()
    }

    @Test func argumentsFlowFromTheLaunchContextThroughReferences() throws {
        let component = try ADL.load("HelloWorld", searchPath: [Self.adlPath], context: ["header": ">>", "count": "3"])
        let server = try #require(try component.contentController.subComponents.first { $0.name == "server" })
        #expect(try server.attributeController.string("header") == ">>")
        #expect(try server.attributeController.value("count", as: Int.self) == 3)
    }

    @Test func everyShippedDefinitionChecksClean() {
        for name in ["HelloWorld", "helloworld.Client", "helloworld.Server", "helloworld.ServerType",
                     "census.Census", "census.Probe", "monitoring.Monitored", "monitoring.CountedServer"] {
            let report = ADL.check(name, searchPath: [Self.adlPath])
            #expect(report.errors.isEmpty, "\(name): \(report.errors)")
        }
    }

    @Test func exportedArchitectureLoadsBackEqual() throws {
        let original = try ADL.load("HelloWorld", searchPath: [Self.adlPath])
        let xml = ADLExporter.xml(of: original)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("roundtrip-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try xml.write(to: folder.appendingPathComponent("HelloWorld.fractal"), atomically: true, encoding: .utf8)
        let reloaded = try ADL.load("HelloWorld", searchPath: [folder.path])
        #expect(reloaded.snapshot() == original.snapshot())
        #expect(ADLExporter.xml(of: reloaded) == xml)
    }

    @Test func codeBuiltAndADLBuiltHelloWorldAreEqual() throws {
        let fromADL = try ADL.load("HelloWorld", searchPath: [Self.adlPath])
        let fromCode = try HelloWorldComponents.makeInCode()
        var adlSnapshot = fromADL.snapshot()
        var codeSnapshot = fromCode.snapshot()
        // Signatures are spelt differently (java.lang.Runnable vs fractal.Runnable) but are one.
        adlSnapshot.interfaces = []
        codeSnapshot.interfaces = []
        #expect(adlSnapshot.subComponents.map(\.name) == codeSnapshot.subComponents.map(\.name))
        #expect(adlSnapshot.subComponents.map(\.attributes) == codeSnapshot.subComponents.map(\.attributes))
    }
}

import Foundation
