import Fractal
import FractalADL
import Foundation
import HelloWorldComponents
import Testing

/// Membranes described inside `<controller>`, instantiated: the monitoring example
/// (`ADL/monitoring/`) and files of our own with what can go wrong in them.
@Suite struct MembraneADLTests {
    init() { HelloWorldComponents.register() }

    static let adl = HelloWorldADLTests.adlPath

    static func server(of app: Component) throws -> Component {
        try #require(try app.contentController.subComponents.first { $0.name == "server" })
    }

    @Test func theMonitoringMembraneCountsTheCallsOfTheInterfaceItIntercepts() async throws {
        let app = try ADL.load("monitoring.Monitored", searchPath: [Self.adl], context: ["messages": "2"])
        let server = try Self.server(of: app)
        let membrane = try server.membraneController
        #expect(membrane.subComponents.map(\.path) == ["/Monitored/server/(membrane)/counter"])
        #expect(membrane.interfaces.map(\.name) == ["monitor-controller"])
        #expect(Set(membrane.bindings.map { "\($0.client) -> \($0.server)" })
                == ["this.s -> counter.s", "counter.next -> this.s", "this.monitor-controller -> counter.monitor"])

        try await app.lifeCycleController.start()
        #expect(membrane.subComponents[0].lifeCycleController.state == .started)
        try await app.interface(named: "r").callable(as: (any Runnable).self).run()
        // A call straight to the server's interface goes through the counter too.
        try await server.interface(named: "s").callable(as: (any Service).self).print("direct")
        #expect(try await app.interface(named: "monitor").callable(as: (any Monitor).self).count().calls == 3)
        try await app.lifeCycleController.stop()
        #expect(membrane.subComponents[0].lifeCycleController.state == .stopped)
    }

    @Test func anExportedMembraneLoadsBackEqual() throws {
        let original = try ADL.load("monitoring.Monitored", searchPath: [Self.adl])
        let xml = ADLExporter.xml(of: original, definitionName: "Exported")
        #expect(xml.contains(#"<interface name="monitor-controller" role="server" signature="monitoring.Monitor"/>"#))
        #expect(xml.contains(#"<binding client="counter.next" server="this.s"/>"#))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("membrane-roundtrip-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try xml.write(to: folder.appendingPathComponent("Exported.fractal"), atomically: true, encoding: .utf8)
        let reloaded = try ADL.load("Exported", searchPath: [folder.path])
        #expect(ADLExporter.xml(of: reloaded) == xml)
        #expect(try Set(Self.server(of: reloaded).membraneController.bindings.map { "\($0.client) -> \($0.server)" })
                == Set(Self.server(of: original).membraneController.bindings.map { "\($0.client) -> \($0.server)" }))
    }

    @Test func theGraphDrawsTheMembraneDashed() throws {
        let app = try ADL.load("monitoring.Monitored", searchPath: [Self.adl])
        let dot = DOTExporter.dot(of: app)
        #expect(dot.contains(#"subgraph "cluster_/Monitored/server/(membrane)" {"#))
        #expect(dot.contains(#""/Monitored/server/(membrane)/counter" -> "/Monitored/server" [label="counter.next → this.s", style=dashed];"#))
        #expect(dot.contains(#""/Monitored/client" -> "/Monitored/server" [label="client.monitor → server.monitor-controller"];"#))
    }

    static func load(_ files: [String: String]) throws -> Result<(component: Component, plan: ComponentPlan), ADLError> {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("membrane-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for (name, text) in files {
            try text.write(to: folder.appendingPathComponent(name + ".fractal"), atomically: true, encoding: .utf8)
        }
        do {
            return .success(try ADL.instantiate("Top", searchPath: [folder.path, adl]))
        } catch let error as ADLError {
            return .failure(error)
        }
    }

    @Test func aMembraneBindingTheRuntimeRefusesIsALocatedError() throws {
        // counter.monitor is a monitoring.Monitor: it cannot take helloworld.Service's calls.
        let result = try Self.load(["Top": """
            <definition name="Top">
              <interface name="s" role="server" signature="helloworld.Service"/>
              <content class="helloworld.ServerImpl"/>
              <controller desc="primitive">
                <component name="counter">
                  <interface name="monitor" role="server" signature="monitoring.Monitor"/>
                  <interface name="s" role="server" signature="helloworld.Service"/>
                  <interface name="next" role="client" signature="helloworld.Service" contingency="optional"/>
                  <content class="monitoring.CallCounter"/>
                </component>
                <binding client="this.s" server="counter.monitor"/>
              </controller>
            </definition>
            """])
        guard case .failure(let error) = result else { Issue.record("loaded"); return }
        let diagnostic = try #require(error.diagnostics.first { $0.severity == .error })
        #expect(diagnostic.location?.line == 11)
        #expect(diagnostic.message.contains("monitoring.Monitor is not a helloworld.Service"), "\(diagnostic)")
    }

    @Test func aSubComponentCallsTheMembraneThroughAnInternalServerInterface() async throws {
        // The membrane's counter serves log-controller inside the composite; the client's s
        // goes there, and through the counter's next on to the printer.
        let result = try Self.load(["Top": """
            <definition name="Top">
              <interface name="r" role="server" signature="java.lang.Runnable"/>
              <component name="client" definition="helloworld.Client"/>
              <component name="printer" definition="helloworld.Server(header=>printed:)"/>
              <binding client="this.r" server="client.r"/>
              <binding client="client.s" server="this.log-controller"/>
              <controller desc="composite">
                <interface name="monitor-controller" role="server" signature="monitoring.Monitor"/>
                <interface name="log-controller" role="internal-server" signature="helloworld.Service"/>
                <interface name="printer-controller" role="internal-client" signature="helloworld.Service"/>
                <component name="counter">
                  <interface name="s" role="server" signature="helloworld.Service"/>
                  <interface name="monitor" role="server" signature="monitoring.Monitor"/>
                  <interface name="next" role="client" signature="helloworld.Service"/>
                  <content class="monitoring.CallCounter"/>
                </component>
                <binding client="this.log-controller" server="counter.s"/>
                <binding client="this.monitor-controller" server="counter.monitor"/>
                <binding client="this.printer-controller" server="printer.s"/>
                <binding client="counter.next" server="this.printer-controller"/>
              </controller>
            </definition>
            """])
        guard case .success(let (top, _)) = result else { Issue.record("did not load: \(result)"); return }
        try await top.lifeCycleController.start()
        try await top.interface(named: "r").callable(as: (any Runnable).self).run()
        #expect(try await top.interface(named: "monitor-controller").callable(as: (any Monitor).self).count().calls == 1)
        #expect(fractalErrorKind { _ = try top.interface(named: "log-controller") } == .noSuchInterface)
        try await top.lifeCycleController.stop()
    }

    func fractalErrorKind(_ body: () throws -> Void) -> FractalError.Kind? {
        do { try body() } catch let error as FractalError { return error.kind } catch {}
        return nil
    }

    @Test func anUnboundMembraneInterfaceIsLocatedWhereItIsDeclared() async throws {
        let result = try Self.load(["Top": """
            <definition name="Top">
              <interface name="s" role="server" signature="helloworld.Service"/>
              <content class="helloworld.ServerImpl"/>
              <controller desc="primitive">
                <interface name="monitor-controller" role="server" signature="monitoring.Monitor"/>
              </controller>
            </definition>
            """])
        guard case .success(let (top, plan)) = result else { Issue.record("did not load: \(result)"); return }
        do {
            try await top.lifeCycleController.start()
            Issue.record("started with an unbound membrane interface")
        } catch let error as FractalError {
            #expect(error.kind == .mandatoryInterfaceUnbound)
            #expect(error.component == "/Top/(membrane)")
            #expect(ADL.locate(error, in: plan)?.line == 5)
            #expect(error.interface == "monitor-controller")
        }
    }
}
