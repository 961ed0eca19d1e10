import ClifCore
import ClifScenario
import Foundation
import FractalXML
import Testing

// Files made to hurt: each must give located errors (or read), quickly, without crashing.
// The big ones are made at run time rather than committed.

private let header = """
    <?xml version="1.0" encoding="UTF-8"?>
    <!DOCTYPE scenario SYSTEM "classpath:org/ow2/clif/scenario/isac/dtd/scenario.dtd">
    <scenario>
      <behaviors>
        <plugins>
          <use id="rand" name="Random"/>
          <use id="common" name="Common"/>
        </plugins>
        <behavior id="B0">

    """

private let footer = """
        </behavior>
      </behaviors>
      <loadprofile>
        <group behavior="B0" forceStop="true">
          <ramp style="line"><points><point x="0" y="1"/><point x="10" y="1"/></points></ramp>
        </group>
      </loadprofile>
    </scenario>

    """

/// Reads `text` as file `name`, and returns the diagnostics (none when it reads) and how long
/// reading took.
private func read(_ bytes: [UInt8], _ name: String = "hostile.xis") -> (diagnostics: [Diagnostic], seconds: Double) {
    let start = ContinuousClock.now
    let diagnostics: [Diagnostic]
    do {
        _ = try ISAC.read(bytes, file: name, directory: ".")
        diagnostics = []
    } catch {
        diagnostics = error.diagnostics
    }
    let elapsed = ContinuousClock.now - start
    return (diagnostics, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
}

private func read(_ text: String, _ name: String = "hostile.xis") -> (diagnostics: [Diagnostic], seconds: Double) {
    read(Array(text.utf8), name)
}

/// Every diagnostic is an error located inside the file's `lines` lines (one more for its end).
private func expectLocatedErrors(_ diagnostics: [Diagnostic], lines: Int, file: String = "hostile.xis",
                                 sourceLocation: Testing.SourceLocation = #_sourceLocation) {
    #expect(!diagnostics.isEmpty, "expected errors", sourceLocation: sourceLocation)
    for diagnostic in diagnostics {
        #expect(diagnostic.severity == .error, sourceLocation: sourceLocation)
        guard let location = diagnostic.location else {
            Issue.record("unlocated: \(diagnostic)", sourceLocation: sourceLocation)
            continue
        }
        #expect(location.file == file && (1...lines + 1).contains(location.line) && location.column >= 1,
                "\(diagnostic)", sourceLocation: sourceLocation)
        #expect(diagnostic.message.count < 400, "messages stay short: \(diagnostic.message.prefix(100))…", sourceLocation: sourceLocation)
    }
}

@Suite struct HostileISACTests {
    @Test func entityExpansionIsRefused() {
        // "Billion laughs": ten levels of ten references, 10^10 characters if expanded, used in
        // an attribute value (always expanded) and in content.
        var text = "<?xml version=\"1.0\"?>\n<!DOCTYPE scenario [\n  <!ENTITY l0 \"ha\">\n"
        for level in 1...10 {
            text += "  <!ENTITY l\(level) \"" + String(repeating: "&l\(level - 1);", count: 10) + "\">\n"
        }
        text += "]>\n<scenario><behaviors><behavior id=\"&l10;\">&l10;</behavior></behaviors></scenario>\n"
        let (diagnostics, seconds) = read(text)
        // Refused before anything is expanded, at the first reference over the entity budget,
        // in the attribute value: `<scenario><behaviors><behavior id="` is 35 characters, `&l10;` 36–40.
        expectFirst(diagnostics, Expected(file: "hostile.xis", line: 15, column: 36, message: "entity references expand to more than"))
        #expect(diagnostics.count == 1, "\(listing(diagnostics))")
        #expect(seconds < 5)
    }

    @Test func oneMegabyteAttributeReads() throws {
        let big = String(repeating: "x", count: 1 << 20)
        let text = header + "      <sample use=\"rand\" name=\"action\"><params><param name=\"comment\" value=\"\(big)\"/></params></sample>\n" + footer
        let start = ContinuousClock.now
        let scenario = try ISAC.read(Array(text.utf8), file: "big.xis", directory: ".")
        #expect(ContinuousClock.now - start < .seconds(10))
        guard case .sample(let action) = scenario.behaviors.first?.steps.first else {
            Issue.record("expected the sample")
            return
        }
        #expect(action.parameters.constant("comment")?.utf8.count == 1 << 20)
    }

    @Test func oneMegabyteBadValueIsQuotedShort() {
        let big = String(repeating: "9", count: 1 << 20)
        let text = header + "      <nchoice><choice proba=\"\(big)\"><sample use=\"rand\" name=\"action\"/></choice></nchoice>\n" + footer
        let (diagnostics, seconds) = read(text)
        expectLocatedErrors(diagnostics, lines: 20)
        #expect(diagnostics.first?.message.contains("proba must be a whole number above 0") == true, "\(diagnostics.first?.message.prefix(200) ?? "")")
        #expect(diagnostics.first?.message.contains("(1048576 bytes)") == true)
        #expect(seconds < 10)
    }

    @Test func deepNestingIsALocatedError() {
        // 20,000 nested <while>, one a line from line 10: libxml2 refuses more than 256 levels,
        // so the 257th element, the 254th while (under scenario, behaviors and behavior), on
        // line 9 + 254.
        let depth = 20_000
        var text = header
        text.reserveCapacity(depth * 80)
        for _ in 0..<depth { text += "<while><condition use=\"common\" name=\"true\"/>\n" }
        for _ in 0..<depth { text += "</while>" }
        text += "\n" + footer
        let (diagnostics, seconds) = read(text)
        expectLocatedErrors(diagnostics, lines: 9 + depth + 9)
        let first = diagnostics.first
        #expect(first?.message.contains("Excessive depth in document: 256") == true, "\(listing(diagnostics))")
        #expect(first?.location?.line == 9 + 254)
        #expect(seconds < 10)
    }

    @Test func nestingBelowLibxml2sLimitIsBoundedByTheReader() {
        // 200 nested <while>: XML accepts it, the reader refuses steps deeper than 128.
        var text = header
        for _ in 0..<200 { text += "<while><condition use=\"common\" name=\"true\"/>\n" }
        for _ in 0..<200 { text += "</while>" }
        text += "\n" + footer
        let (diagnostics, _) = read(text)
        expectDiagnostics(diagnostics, [Expected(file: "hostile.xis", line: 9 + 129, column: 1, message: "steps are nested more than 128 deep here")])
    }

    @Test func deepButReasonableNestingReadsAndCompiles() throws {
        var text = header
        for _ in 0..<100 { text += "<while><condition use=\"common\" name=\"true\"/>\n" }
        text += "<sample use=\"rand\" name=\"action\"/>\n"
        for _ in 0..<100 { text += "</while>" }
        text += "\n" + footer
        let compiled = try ISAC.compile(Array(text.utf8), file: "deep.xis", directory: ".", plugins: Fixtures.plugins)
        #expect(compiled.behaviorIDs == ["B0"])
        #expect(ScenarioSummary.text(of: compiled.scenario).contains(String(repeating: "  ", count: 101) + "sample rand.action"))
    }

    @Test func truncatedFilesGiveLocatedErrors() throws {
        let bytes = Array(try #require(FileManager.default.contents(atPath: Fixtures.valid("profiles"))))
        let lines = bytes.filter { $0 == 0x0A }.count
        // Every 13th length (and the last few): each ends inside some construct of the file.
        for length in Array(stride(from: 0, to: bytes.count - 12, by: 13)) + Array(bytes.count - 12..<bytes.count - 1) {
            let (diagnostics, _) = read(Array(bytes.prefix(length)), "truncated.xis")
            expectLocatedErrors(diagnostics, lines: lines, file: "truncated.xis")
        }
    }

    @Test func emptyAndBlankFiles() {
        expectDiagnostics(read([UInt8]()).diagnostics, [Expected(file: "hostile.xis", line: 1, column: 1, message: "the file is empty or not XML")])
        expectLocatedErrors(read("   \n\t\n").diagnostics, lines: 2)
        expectLocatedErrors(read("\u{FEFF}").diagnostics, lines: 1)
    }

    @Test func binaryGarbage() {
        // A fixed pseudo-random sequence, so that a failure can be replayed.
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt8 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
        for size in [1, 2, 7, 100, 4096, 65_536] {
            let garbage = (0..<size).map { _ in next() }
            let lines = garbage.filter { $0 == 0x0A }.count
            expectLocatedErrors(read(garbage).diagnostics, lines: lines)
            // The same after a plausible start.
            let prefixed = Array("<?xml version=\"1.0\"?>\n<scenario>".utf8) + garbage
            expectLocatedErrors(read(prefixed).diagnostics, lines: lines + 1)
        }
        let everyByte = (0...255).map { UInt8($0) }
        expectLocatedErrors(read(everyByte).diagnostics, lines: 1)
    }

    @Test func oversizedInputIsRefusedUnread() {
        let bytes = [UInt8](repeating: 0x20, count: ISAC.maximumFileSize + 1)
        let (diagnostics, seconds) = read(bytes)
        expectDiagnostics(diagnostics, [Expected(file: "hostile.xis", line: 1, column: 1, message: "a scenario file is at most")])
        #expect(seconds < 1)
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/dev/zero")))
    func endlessDeviceIsReadBoundedly() {
        let diagnostics = Fixtures.readErrors("/dev/zero")
        expectDiagnostics(diagnostics, [Expected(file: "/dev/zero", line: 1, column: 1, message: "a scenario file is at most")])
    }

    @Test func numbersThatWouldOverflowTheEngine() {
        let text = header + """
                  <nchoice>
                    <choice proba="2000000000"><sample use="rand" name="action"/></choice>
                    <choice proba="99999999999999999999"><sample use="rand" name="action"/></choice>
                  </nchoice>

            """ + footer.replacingOccurrences(of: "<point x=\"0\" y=\"1\"/><point x=\"10\" y=\"1\"/>",
                                              with: "<point x=\"nan\" y=\"1\"/><point x=\"10\" y=\"1e300\"/><point x=\"inf\" y=\"1\"/>")
        // `        <choice proba=`: `proba` at 17 on lines 11 and 12; the points on line 18, after
        // `      <ramp style="line"><points>` (33 characters): `<point x="nan" y="1"/>` is 34–55
        // (`x` at 41), `<point x="10" y="1e300"/>` 56–80 (`y` at 70), then `x="inf"` at 88.
        expectDiagnostics(read(text).diagnostics, [
            Expected(file: "hostile.xis", line: 11, column: 17, message: "proba 2000000000 is too large: weights are at most 1000000000"),
            Expected(file: "hostile.xis", line: 12, column: 17, message: "proba must be a whole number above 0"),
            Expected(file: "hostile.xis", line: 18, column: 41, message: "x must be a number (seconds since the start), not 'nan'"),
            Expected(file: "hostile.xis", line: 18, column: 70, message: "y = '1e300' is out of range: at most 10000000 active sessions"),
            Expected(file: "hostile.xis", line: 18, column: 88, message: "x must be a number (seconds since the start), not 'inf'"),
        ])
    }

    @Test func hugeElementNameIsShortenedInMessages() {
        let name = String(repeating: "q", count: 10_000)
        let (diagnostics, _) = read(header + "<\(name)/>\n" + footer)
        expectLocatedErrors(diagnostics, lines: 20)
        #expect(diagnostics.first?.message.hasPrefix("unknown element <" + String(repeating: "q", count: 40) + "…> in <behavior>") == true)
    }
}
