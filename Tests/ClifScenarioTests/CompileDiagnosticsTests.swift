import ClifCore
import ClifScenario
import Foundation
import FractalXML
import Testing

// What ClifCore's compiler finds in a file that reads cleanly, located in the file through the
// places the reader put in the model.

@Suite struct CompileDiagnosticsTests {
    /// Fixtures/invalid/CompileProblems.xis: `<use id="telnet" name="Telnet"/>` at 7:7, a sample
    /// `rand.fetch` at 10:7, `<param name="comment" value="user ${nobody:name}"/>` at 13:11,
    /// behaviour B1 (no group) at 17:5, a ramp from x=30 to x=20 at 23:7.
    static let path = Fixtures.invalid("CompileProblems")
    static let expected = [
        Expected(file: path, line: 7, column: 7, message: "unknown plug-in 'Telnet'; known plug-ins: Chrono, Common"),
        Expected(file: path, line: 10, column: 7, message: "plug-in Random has no sample 'fetch'; its samples: action"),
        Expected(file: path, line: 13, column: 11, message: "${nobody:name} names no plug-in instance; declared: rand, telnet"),
        Expected(file: path, line: 23, column: 7, message: "ramp goes back in time: from x=30 to x=20"),
        Expected(file: path, line: 17, column: 5, message: "behaviour 'B1' is used by no group of the load profile", severity: .warning),
    ]

    @Test func checkGivesTheCompilersLocatedDiagnostics() throws {
        // The file itself is fine.
        _ = try ISAC.read(file: Self.path)
        expectDiagnostics(ISAC.check(file: Self.path, plugins: Fixtures.plugins), Self.expected)
    }

    @Test func compileThrowsThemAll() {
        do {
            _ = try ISAC.compile(file: Self.path, plugins: Fixtures.plugins)
            Issue.record("CompileProblems.xis should not compile")
        } catch {
            expectDiagnostics(error.diagnostics, Self.expected)
            #expect(error.errors.count == 4)
        }
    }

    @Test func compileThrowsReadingErrors() {
        do {
            _ = try ISAC.compile(file: Fixtures.invalid("BadProba"), plugins: Fixtures.plugins)
            Issue.record("BadProba.xis should not compile")
        } catch {
            #expect(error.diagnostics.count == 2)
            #expect(error.diagnostics.allSatisfy { $0.location?.file == Fixtures.invalid("BadProba") && [11, 14].contains($0.location?.line) })
        }
    }

    @Test func warningsAloneDoNotStopCompiling() throws {
        let text = """
            <scenario>
              <behaviors>
                <plugins><use id="rand" name="Random"/></plugins>
                <behavior id="B0"><sample use="rand" name="action"/></behavior>
                <behavior id="B1"><timer use="rand" name="sleep"/></behavior>
              </behaviors>
              <loadprofile>
                <group behavior="B0" forceStop="true">
                  <ramp style="line"><points><point x="0" y="1"/><point x="5" y="1"/></points></ramp>
                </group>
              </loadprofile>
            </scenario>
            """
        let compiled = try ISAC.compile(Array(text.utf8), file: "warned.xis", directory: ".", plugins: Fixtures.plugins)
        expectDiagnostics(compiled.warnings, [Expected(file: "warned.xis", line: 5, column: 5, message: "behaviour 'B1' is used by no group", severity: .warning)])
    }

    @Test func aLaterSegmentOfARampIsLocatedAtThePointItStartsFrom() {
        // Three points, the second segment (30 → 20) going back in time: it starts at the point
        // on line 5, column 7.
        let text = """
            <scenario>
              <behaviors><plugins><use id="rand" name="Random"/></plugins><behavior id="B0"><sample use="rand" name="action"/></behavior></behaviors>
              <loadprofile><group behavior="B0" forceStop="true"><ramp style="line"><points>
                  <point x="0" y="0"/>
                  <point x="30" y="10"/>
                  <point x="20" y="10"/>
              </points></ramp></group></loadprofile>
            </scenario>
            """
        expectDiagnostics(ISAC.check(Array(text.utf8), file: "ramps.xis", directory: ".", plugins: Fixtures.plugins), [
            Expected(file: "ramps.xis", line: 5, column: 7, message: "ramp goes back in time: from x=30 to x=20"),
        ])
    }
}
