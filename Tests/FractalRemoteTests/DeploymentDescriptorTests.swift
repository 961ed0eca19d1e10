import Foundation
import FractalADL
import FractalRemote
import Testing

/// A deployment descriptor against the architecture it deploys: every virtual node mapped,
/// none mapped in vain, at any depth.
@Suite struct DeploymentDescriptorTests {
    static let architecture = """
        <definition name="Placed">
          <component name="a">
            <content class="no.Impl"/>
            <virtual-node name="front"/>
          </component>
          <component name="b">
            <component name="b1">
              <content class="no.Impl"/>
              <virtual-node name="back"/>
            </component>
            <component name="b2">
              <content class="no.Impl"/>
              <virtual-node name="front"/>
            </component>
            <virtual-node name="back"/>
          </component>
          <component name="c">
            <component name="c1">
              <content class="no.Impl"/>
              <virtual-node name="back"/>
            </component>
          </component>
          <component name="d">
            <content class="no.Impl"/>
            <virtual-node name="nowhere"/>
          </component>
        </definition>

        """

    static let descriptor = """
        <deployment>
          <virtual-node name="front"><node name="n1" address="tcp://127.0.0.1:7001"/></virtual-node>
          <virtual-node name="back"><local-process name="n2"/></virtual-node>
          <virtual-node name="extra"><local-process name="n3"/></virtual-node>
        </deployment>

        """

    @Test func everyMismatchIsALocatedError() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("descriptor-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let adl = folder.appendingPathComponent("Placed.fractal").path
        let xml = folder.appendingPathComponent("placed.xml").path
        try Self.architecture.write(toFile: adl, atomically: true, encoding: .utf8)
        try Self.descriptor.write(toFile: xml, atomically: true, encoding: .utf8)
        let plan = try #require(ADL.check(adl, structureOnly: true).plan)
        let problems = try DeploymentDescriptor.read(xml).problems(deploying: plan)
        func at(_ file: String, _ line: Int, _ column: Int) -> FractalADL.SourceLocation { FractalADL.SourceLocation(file: file, line: line, column: column) }

        // Nested virtual nodes are honoured: only what is not mapped, or mapped in vain, is wrong.
        #expect(problems.map(\.location) == [at(adl, 25, 5), at(xml, 4, 17)], "\(problems.map(\.description))")
        #expect(problems[0].message.hasPrefix("virtual node 'nowhere' is not mapped by the deployment descriptor (it maps: back, extra, front)"))
        #expect(problems[1].message == "the deployment descriptor maps virtual node 'extra', which 'Placed' does not have (it has: back, front, nowhere)")
    }

    @Test func aVirtualNodesSiteIsRead() throws {
        let xml = FileManager.default.temporaryDirectory.appendingPathComponent("sites-\(UUID().uuidString).xml").path
        defer { try? FileManager.default.removeItem(atPath: xml) }
        try """
        <deployment>
          <virtual-node name="first" site="lyon"><node name="n1" address="tcp://127.0.0.1:7001"/></virtual-node>
          <virtual-node name="second" site=""><local-process name="n2"/></virtual-node>
          <virtual-node name="third"><local-process name="n3"/></virtual-node>
        </deployment>
        """.write(toFile: xml, atomically: true, encoding: .utf8)
        let descriptor = try DeploymentDescriptor.read(xml)
        #expect(descriptor.sites == ["first": "lyon"])
        #expect(descriptor.virtualNodes.mapValues(\.nodeName) == ["first": "n1", "second": "n2", "third": "n3"])
    }

    @Test func aMatchingDescriptorHasNoProblem() throws {
        let plan = try #require(ADL.check("DistributedHelloWorld", searchPath: [Self.package + "/ADL"], structureOnly: true).plan)
        #expect(try DeploymentDescriptor.read(Self.package + "/ADL/deployments/local-processes.xml").problems(deploying: plan).isEmpty)
    }

    static let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
}
