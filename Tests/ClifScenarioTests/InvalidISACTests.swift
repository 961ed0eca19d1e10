import ClifCore
import ClifScenario
import Foundation
import FractalXML
import Testing

// Invalid scenario files (Fixtures/invalid, named after the case) and the diagnostics each must
// give: file, line, column (1-based, in characters, counted by hand from the fixture) and the
// distinctive part of the message. Most fixtures share one layout: the XML declaration and
// DOCTYPE on lines 1–2, `<use id="rand" name="Random"/>` on line 6, `<behavior id="B0">` on
// line 9 and the steps under test from line 10, then a one-ramp load profile.
//
// A structural problem is placed at the element, or at the attribute whose value is at fault.
// Problems libxml2 finds in the XML itself are placed where it stops reading.

private func at(_ fixture: String, _ line: Int, _ column: Int, _ message: String) -> Expected {
    Expected(file: Fixtures.invalid(fixture), line: line, column: column, message: message)
}

private func errors(_ fixture: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> [Diagnostic] {
    let diagnostics = Fixtures.readErrors(Fixtures.invalid(fixture), sourceLocation: sourceLocation)
    // `check` reports the same problems (it compiles nothing when the file does not read).
    #expect(ISAC.check(file: Fixtures.invalid(fixture), plugins: Fixtures.plugins) == diagnostics, sourceLocation: sourceLocation)
    return diagnostics
}

@Suite struct InvalidISACTests {
    // MARK: - Structure

    @Test func unknownElement() {
        // `      <sampel use=…`: six spaces, the element at 7.
        expectDiagnostics(errors("UnknownElement"), [
            at("UnknownElement", 10, 7, "unknown element <sampel> in <behavior>; did you mean <sample>?; allowed there: <sample>, <timer>, <control>, <while>, <if>, <nchoice>, <preemptive>"),
        ])
    }

    @Test func unknownElementInAFileWithCRLFLineEnds() {
        expectDiagnostics(errors("UnknownElementCRLF"), [at("UnknownElementCRLF", 10, 7, "unknown element <sampel> in <behavior>")])
    }

    @Test func unknownElementAfterLatin1Accents() {
        // `      <sample use="rand" name="action">` is 39 characters, `<params>` 8 more, and
        // `<param name="comment" value="requête réussie"/>` 47 more (ê and é are one character
        // each, one byte each in ISO-8859-1): `<parm` is at 95.
        expectDiagnostics(errors("Latin1UnknownElement"), [
            at("Latin1UnknownElement", 10, 95, "unknown element <parm> in <params>; did you mean <param>?"),
        ])
    }

    @Test func stepDirectlyInAnIf() {
        // The <if> at 10:7 has no <then> either; the sample is at 12:9.
        expectDiagnostics(errors("StepInIf"), [
            at("StepInIf", 12, 9, "unknown element <sample> in <if> (the steps of an <if> go in its <then> or <else>); allowed there: <condition>, <then>, <else>"),
            at("StepInIf", 10, 7, "<if> needs a <then>"),
        ])
    }

    @Test func missingAttribute() {
        expectDiagnostics(errors("MissingUse"), [
            at("MissingUse", 10, 7, "<sample> needs attribute 'use': the id of a plug-in instance declared in <plugins>"),
        ])
    }

    @Test func probaThatIsNotAPositiveWholeNumber() {
        // `        <choice proba=`: eight spaces, `<choice` to 15, `proba` at 17.
        expectDiagnostics(errors("BadProba"), [
            at("BadProba", 11, 17, "proba must be a whole number above 0 (a weight: proba=\"9\" and proba=\"1\" mean 90 % and 10 %), not '0.5'"),
            at("BadProba", 14, 17, "proba must be a whole number above 0"),
        ])
    }

    @Test func pointThatIsNotANumber() {
        // `          <point x=`: ten spaces, `<point` to 16, `x` at 18.
        expectDiagnostics(errors("BadPointX"), [at("BadPointX", 17, 18, "x must be a number (seconds since the start), not 'ten'")])
    }

    @Test func unknownRampStyle() {
        // `      <ramp style=`: `style` at 13.
        expectDiagnostics(errors("UnknownRampStyle"), [
            at("UnknownRampStyle", 15, 13, "unknown ramp style 'curve'; the styles are line, crenel_hv, crenel_vh, arc"),
        ])
    }

    @Test func whileWithoutCondition() {
        expectDiagnostics(errors("WhileWithoutCondition"), [
            at("WhileWithoutCondition", 10, 7, "<while> needs a <condition use=\"…\" name=\"…\"> as its first child"),
        ])
    }

    @Test func ifWithoutCondition() {
        expectDiagnostics(errors("IfWithoutCondition"), [at("IfWithoutCondition", 10, 7, "<if> needs a <condition")])
    }

    @Test func ifWithoutThen() {
        expectDiagnostics(errors("IfWithoutThen"), [at("IfWithoutThen", 10, 7, "<if> needs a <then> holding the steps")])
    }

    @Test func nchoiceWithoutChoice() {
        expectDiagnostics(errors("EmptyNChoice"), [at("EmptyNChoice", 10, 7, "an <nchoice> needs at least one <choice proba=\"…\">")])
    }

    @Test func rampWithOnePoint() {
        // The <points> is at 16:9.
        expectDiagnostics(errors("OnePoint"), [at("OnePoint", 16, 9, "a ramp needs at least two points, from where it starts to where it ends; this one has 1")])
    }

    @Test func forceStopThatIsNotABoolean() {
        // `    <group behavior="B0" forceStop=`: `forceStop` at 26.
        expectDiagnostics(errors("BadForceStop"), [at("BadForceStop", 14, 26, "forceStop is true (sessions still running at the end are stopped) or false (they finish), not 'yes'")])
    }

    @Test func unknownAttribute() {
        // `      <sample use="rand" nmae=`: `nmae` at 26; `name` is then missing.
        expectDiagnostics(errors("UnknownAttribute"), [
            at("UnknownAttribute", 10, 26, "unknown attribute 'nmae' on <sample>; did you mean 'name'? (its attributes: use, name)"),
            at("UnknownAttribute", 10, 7, "<sample> needs attribute 'name'"),
        ])
    }

    @Test func parameterGivenTwice() {
        expectDiagnostics(errors("DuplicateParam"), [at("DuplicateParam", 14, 11, "parameter 'min' is given twice in <control> (first at line 12); keep one")])
    }

    @Test func parameterWithoutValue() {
        expectDiagnostics(errors("MissingValue"), [at("MissingValue", 12, 11, "<param> needs attribute 'value': the parameter's value (value='' when empty)")])
    }

    @Test func emptyBehaviourId() {
        // `    <behavior id=`: `id` at 15.
        expectDiagnostics(errors("EmptyBehaviorId"), [at("EmptyBehaviorId", 9, 15, "attribute 'id' of <behavior> is empty")])
    }

    @Test func parameterOutsideParams() {
        expectDiagnostics(errors("ParamOutsideParams"), [
            at("ParamOutsideParams", 11, 9, "unknown element <param> in <control> (parameters go in a <params> element); allowed there: <params>"),
        ])
    }

    @Test func pluginsOutsideBehaviors() {
        expectDiagnostics(errors("PluginsOutsideBehaviors"), [
            at("PluginsOutsideBehaviors", 4, 3, "unknown element <plugins> in <scenario> (<plugins> and <behavior> go inside <behaviors>)"),
        ])
    }

    @Test func wrongRootElement() {
        expectDiagnostics(errors("WrongRoot"), [at("WrongRoot", 3, 1, "the root element is <scenaro>; an ISAC scenario's root is <scenario>")])
    }

    @Test func scenarioWithoutBehaviors() {
        expectDiagnostics(errors("NoBehaviors"), [at("NoBehaviors", 3, 1, "<scenario> has no <behaviors>")])
    }

    @Test func everyStructuralProblemInOnePass() {
        // Elements that may appear once, given twice, and a point out of place. `forceStop` is
        // absent: it defaults to true.
        expectDiagnostics(errors("SeveralProblems"), [
            at("SeveralProblems", 12, 9, "a second <condition> in <while> (the first is at line 11): it takes one"),
            at("SeveralProblems", 15, 11, "a second <params> in <sample> (the first is at line 14): put every <param> in one"),
            at("SeveralProblems", 21, 9, "a second <then> in <if>: it takes one <then> and at most one <else>"),
            at("SeveralProblems", 29, 9, "a second <points> in <ramp>: a ramp has one"),
            at("SeveralProblems", 31, 7, "unknown element <point> in <group> (points go in the <points> of a <ramp>); allowed there: <ramp>"),
        ])
    }

    // MARK: - XML that is not well-formed (libxml2's message and position)

    @Test func mismatchedEndTag() {
        // `      </sampel>`: 15 characters, the error just after them.
        expectFirst(errors("MismatchedEndTag"), at("MismatchedEndTag", 11, 16, "Opening and ending tag mismatch: sample line 10 and sampel"))
    }

    @Test func fileTruncatedInAnAttributeValue() {
        // The file ends after `      <sample use="rand" name="act` (34 characters, no newline).
        expectFirst(errors("TruncatedInAttribute"), at("TruncatedInAttribute", 10, 35, "AttValue"))
    }

    @Test func emptyFile() {
        expectDiagnostics(errors("EmptyFile"), [at("EmptyFile", 1, 1, "the file is empty or not XML")])
    }

    @Test func fileThatIsNotXML() {
        expectFirst(errors("NotXML"), at("NotXML", 1, 1, "Start tag expected, '<' not found"))
    }

    @Test func missingFile() {
        let diagnostics = Fixtures.readErrors(Fixtures.folder + "/no-such-scenario.xis")
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.message.hasPrefix("no such file: ") == true)
    }

    @Test func directoryInsteadOfAFile() {
        let diagnostics = Fixtures.readErrors(Fixtures.folder)
        #expect(diagnostics.first?.message.contains("is a directory") == true)
    }
}
