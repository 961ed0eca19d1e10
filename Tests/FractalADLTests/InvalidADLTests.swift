import Foundation
import Fractal
import FractalADL
import HelloWorldComponents
import Testing

// Invalid architecture files, one fixture each under Fixtures/invalid/ (named after the case),
// and the diagnostic each must give: file, line, column (1-based, in characters) and the
// distinctive part of the message; for problems found in a definition reached through
// `extends` or `definition=`, the notes that name the chain.
//
// Columns were counted by hand from the fixtures. Problems libxml2 finds in the XML itself
// are placed where libxml2 stops reading (just after the offending `&`, after an end tag, at
// the end of the file…); everything else is placed at the element, or at the attribute whose
// value is at fault.

/// Where the fixtures and the shipped ADL are, and how a fixture is checked.
enum InvalidFixtures {
    static let package: String = {
        // Tests/FractalADLTests/InvalidADLTests.swift → the package folder.
        let file = #filePath
        return file.components(separatedBy: "/Tests/").first ?? "."
    }()

    static let folder = package + "/Tests/FractalADLTests/Fixtures/invalid"
    static let adl = package + "/ADL"
    /// Fixtures first (for `extends` and references between fixtures), then the shipped ADL
    /// (`helloworld.Server`, `helloworld.Client`, …).
    static var searchPath: [String] { [folder, adl] }

    static func path(_ fixture: String) -> String { folder + "/" + fixture + ".fractal" }

    /// A registry that knows HelloWorld's signatures and content classes, and nothing else.
    static func registry() -> Registry {
        let registry = Registry()
        HelloWorldComponents.register(in: registry)
        return registry
    }

    static func check(_ fixture: String, structureOnly: Bool = false) -> ADL.Report {
        ADL.check(path(fixture), searchPath: searchPath, registry: registry(), structureOnly: structureOnly)
    }
}

/// A diagnostic, or a note, as a test expects it.
struct ExpectedDiagnostic: CustomStringConvertible {
    var file: String
    var line: Int
    var column: Int
    /// A part of the message (the distinctive one).
    var message: String

    var description: String { "\(file):\(line):\(column): …\(message)…" }

    func matches(_ location: FractalADL.SourceLocation?, _ text: String) -> Bool {
        location?.file == file && location?.line == line && location?.column == column && text.contains(message)
    }
}

/// At `line`:`column` of fixture `fixture`.
func at(_ fixture: String, _ line: Int, _ column: Int, _ message: String) -> ExpectedDiagnostic {
    ExpectedDiagnostic(file: InvalidFixtures.path(fixture), line: line, column: column, message: message)
}

/// At `line`:`column` of a shipped file, `relative` to ADL/.
func atShipped(_ relative: String, _ line: Int, _ column: Int, _ message: String) -> ExpectedDiagnostic {
    ExpectedDiagnostic(file: InvalidFixtures.adl + "/" + relative, line: line, column: column, message: message)
}

private func listing(_ diagnostics: [Diagnostic]) -> String {
    diagnostics.isEmpty ? "  (no diagnostics)" : diagnostics.map { "  " + $0.description.replacingOccurrences(of: "\n", with: "\n    ") }.joined(separator: "\n")
}

/// Expects a diagnostic of `severity` exactly at `expected`'s place whose message contains its
/// text; with `notes`, expects exactly those notes, innermost first.
@discardableResult
func expectDiagnostic(
    _ expected: ExpectedDiagnostic, severity: Diagnostic.Severity = .error, notes: [ExpectedDiagnostic]? = nil,
    in diagnostics: [Diagnostic], sourceLocation: Testing.SourceLocation = #_sourceLocation
) -> Diagnostic? {
    guard let found = diagnostics.first(where: { $0.severity == severity && expected.matches($0.location, $0.message) }) else {
        Issue.record("expected \(severity.rawValue) at \(expected); got:\n\(listing(diagnostics))", sourceLocation: sourceLocation)
        return nil
    }
    if let notes {
        let matching = found.notes.count == notes.count && zip(found.notes, notes).allSatisfy { $1.matches($0.location, $0.message) }
        if !matching {
            Issue.record("""
                the \(severity.rawValue) at \(expected) should have the notes
                \(notes.map { "  \($0)" }.joined(separator: "\n"))
                but has:
                \(found.notes.isEmpty ? "  (no notes)" : found.notes.map { "  \($0.location.map(\.description) ?? "?"): \($0.message)" }.joined(separator: "\n"))
                """, sourceLocation: sourceLocation)
        }
    }
    return found
}

/// Expects `expected` to be the one and only error of the report.
func expectOnlyError(
    _ expected: ExpectedDiagnostic, notes: [ExpectedDiagnostic]? = nil, in report: ADL.Report,
    sourceLocation: Testing.SourceLocation = #_sourceLocation
) {
    expectDiagnostic(expected, notes: notes, in: report.errors, sourceLocation: sourceLocation)
    #expect(report.errors.count == 1, "expected exactly one error, got:\n\(listing(report.errors))", sourceLocation: sourceLocation)
    #expect(report.plan == nil || !report.errors.isEmpty)
}

/// For XML that is not well-formed, where libxml2 goes on to report what follows from the first
/// problem: expects `expected` to be the first error, and every error to be in the same file.
func expectFirstError(_ expected: ExpectedDiagnostic, in report: ADL.Report, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
    guard let first = report.errors.first else {
        Issue.record("expected an error at \(expected); got none:\n\(listing(report.diagnostics))", sourceLocation: sourceLocation)
        return
    }
    #expect(expected.matches(first.location, first.message),
            "the first error should be at \(expected); got:\n\(listing(report.errors))", sourceLocation: sourceLocation)
    #expect(report.errors.allSatisfy { $0.location?.file == expected.file },
            "every error should be in \(expected.file):\n\(listing(report.errors))", sourceLocation: sourceLocation)
    #expect(report.plan == nil, "nothing is planned from a file that is not well-formed", sourceLocation: sourceLocation)
}

@Suite struct InvalidADLTests {
    // MARK: - XML that is not well-formed (libxml2's message and position)

    @Test func unclosedStartTag() {
        // Line 3 is `</definition>`: libxml2 notices once it has read the end tag (13 characters).
        let report = InvalidFixtures.check("UnclosedTag")
        expectFirstError(at("UnclosedTag", 3, 14, "Opening and ending tag mismatch: interface line 2 and definition"), in: report)
    }

    @Test func mismatchedEndTag() {
        // `  </componnet>`: 14 characters, the error just after them.
        let report = InvalidFixtures.check("MismatchedEndTag")
        expectFirstError(at("MismatchedEndTag", 3, 15, "Opening and ending tag mismatch: component line 2 and componnet"), in: report)
    }

    @Test func unquotedAttributeValue() {
        // `  <interface name=r`: `r` is column 19.
        let report = InvalidFixtures.check("UnquotedAttributeValue")
        expectFirstError(at("UnquotedAttributeValue", 2, 19, "AttValue: \" or ' expected"), in: report)
    }

    @Test func unterminatedAttributeQuote() {
        // `  <interface name="r role="server"/>`: the value is `r role=`; `server` starts at 28.
        let report = InvalidFixtures.check("UnterminatedAttributeQuote")
        expectFirstError(at("UnterminatedAttributeQuote", 2, 28, "attributes construct error"), in: report)
    }

    @Test func twoRootElements() {
        let report = InvalidFixtures.check("TwoRootElements")
        expectFirstError(at("TwoRootElements", 3, 1, "Extra content at the end of the document"), in: report)
    }

    @Test func textBeforeTheRootElement() {
        let report = InvalidFixtures.check("TextBeforeRoot")
        expectFirstError(at("TextBeforeRoot", 1, 1, "Start tag expected, '<' not found"), in: report)
    }

    @Test func invalidCharacterInAnAttributeValue() {
        // `  <comment text="a\u{1}b"/>`: U+0001 is column 19.
        let report = InvalidFixtures.check("InvalidCharacter")
        expectFirstError(at("InvalidCharacter", 2, 19, "invalid character in attribute value"), in: report)
    }

    @Test func fileTruncatedInAStartTag() {
        // The file ends after `  <inter` (8 characters, no newline).
        let report = InvalidFixtures.check("TruncatedInStartTag")
        expectFirstError(at("TruncatedInStartTag", 3, 9, "Couldn't find end of Start Tag inter"), in: report)
    }

    @Test func fileTruncatedInAnAttributeValue() {
        // The file ends after `  <interface name="r" role="ser` (31 characters).
        let report = InvalidFixtures.check("TruncatedInAttributeValue")
        expectFirstError(at("TruncatedInAttributeValue", 2, 32, "AttValue"), in: report)
    }

    @Test func fileTruncatedBeforeTheEndTag() {
        // Two lines, each ending with a newline: the end of the file is 3:1.
        let report = InvalidFixtures.check("TruncatedBeforeEndTag")
        expectFirstError(at("TruncatedBeforeEndTag", 3, 1, "Premature end of data in tag definition line 1"), in: report)
    }

    @Test func emptyFile() {
        let report = InvalidFixtures.check("EmptyFile")
        expectFirstError(at("EmptyFile", 1, 1, "the file is empty or not XML"), in: report)
        #expect(report.errors.count == 1)
    }

    @Test func whitespaceOnlyFile() {
        // `  \n\n`: libxml2 reaches the end of the file, 3:1, without finding an element.
        let report = InvalidFixtures.check("WhitespaceOnly")
        expectFirstError(at("WhitespaceOnly", 3, 1, "Start tag expected, '<' not found"), in: report)
    }

    @Test func fileThatIsNotXML() {
        let report = InvalidFixtures.check("NotXML")
        expectFirstError(at("NotXML", 1, 1, "Start tag expected, '<' not found"), in: report)
    }

    @Test func bareAmpersandInAnAttributeValue() {
        // `  <comment text="a & b"/>`: `&` is column 20; libxml2 reports just after it.
        let report = InvalidFixtures.check("BareAmpersand")
        expectFirstError(at("BareAmpersand", 2, 21, "xmlParseEntityRef: no name"), in: report)
    }

    @Test func lessThanInAnAttributeValue() {
        // `  <comment text="a < b"/>`: `<` is column 20.
        let report = InvalidFixtures.check("LessThanInAttributeValue")
        expectFirstError(at("LessThanInAttributeValue", 2, 20, "Unescaped '<' not allowed in attributes values"), in: report)
    }

    @Test func latin1BytesInAFileWithoutAnEncodingDeclaration() {
        // `  <comment text="caf\xE9"/>`: the byte 0xE9 is column 21; without a declaration the file is UTF-8.
        let report = InvalidFixtures.check("Latin1BytesWithoutDeclaration")
        expectFirstError(at("Latin1BytesWithoutDeclaration", 2, 21, "Input is not proper UTF-8"), in: report)
    }

    @Test func externalEntityIsNeverFetched() {
        // `  <comment text="&e;"/>` on line 6; libxml2 reports after the reference (columns 18–20).
        let report = InvalidFixtures.check("ExternalEntity")
        expectFirstError(at("ExternalEntity", 6, 21, "Attribute references external entity 'e'"), in: report)
    }

    @Test func linesAfterAMalformedXMLDeclarationOverTwoLines() {
        // `<?xml versi⏎n="1.0"?>` (found by ADLFuzzTests): `versi` is column 7; the `&` of
        // `  <comment text="a & b"/>` is on line 4, column 20, reported just after it. The
        // newline inside the broken declaration still counts.
        let report = InvalidFixtures.check("MalformedXMLDeclarationOverTwoLines")
        expectFirstError(at("MalformedXMLDeclarationOverTwoLines", 1, 7, "Malformed declaration expecting version"), in: report)
        expectDiagnostic(at("MalformedXMLDeclarationOverTwoLines", 4, 21, "xmlParseEntityRef: no name"), in: report.errors)
    }

    // MARK: - Validation against the shipped DTD

    @Test func unknownElement() {
        let report = InvalidFixtures.check("UnknownElement")
        expectOnlyError(at("UnknownElement", 3, 3, "unknown element <bogus>"), in: report)
    }

    @Test func unknownElementIsReportedOnceNotOncePerAttribute() {
        // `<interfaces name="r" role="server"/>`: one problem (the element), so one error.
        let report = InvalidFixtures.check("UnknownElementWithAttributes")
        expectOnlyError(at("UnknownElementWithAttributes", 2, 3, "unknown element <interfaces>"), in: report)
    }

    @Test func unknownAttributeIsPlacedAtTheAttribute() {
        // `  <interface name="r" role="server" signature="java.lang.Runnable" colour="red"/>`:
        // signature's value is columns 47–66, `colour` starts at 68.
        let report = InvalidFixtures.check("UnknownAttribute")
        expectOnlyError(at("UnknownAttribute", 2, 68, "unknown attribute 'colour' on <interface>"), in: report)
    }

    @Test func anUnclosedQuoteInAReferenceIsLocated() {
        // `  <component name="server" definition="…`: `definition` is column 28.
        expectOnlyError(at("UnclosedQuote", 2, 28, "opens a quote (') without closing it"), in: InvalidFixtures.check("UnclosedQuote"))
    }

    @Test func missingRequiredAttribute() {
        let report = InvalidFixtures.check("MissingRequiredAttribute")
        expectOnlyError(at("MissingRequiredAttribute", 2, 3, "<controller> needs attribute 'desc'"), in: report)
    }

    @Test func attributeWithoutValue() {
        let report = InvalidFixtures.check("MissingAttributeValue")
        expectOnlyError(at("MissingAttributeValue", 3, 5, "<attribute> needs attribute 'value'"), in: report)
    }

    @Test func bindingWithoutServerIsReportedOnce() {
        // The missing attribute is the problem; the empty server it leaves is not a second one.
        let report = InvalidFixtures.check("BindingWithoutServer")
        expectOnlyError(at("BindingWithoutServer", 4, 3, "<binding> needs attribute 'server'"), in: report)
    }

    @Test func badRoleIsPlacedAtTheRoleAttribute() {
        // `  <interface name="r" role="sever"`: `role` is column 23.
        let report = InvalidFixtures.check("BadRole")
        expectOnlyError(at("BadRole", 2, 23, "'sever' is not a valid role for <interface>"), in: report)
    }

    @Test func badCardinalityIsPlacedAtTheCardinalityAttribute() {
        let report = InvalidFixtures.check("BadCardinality")
        expectOnlyError(at("BadCardinality", 2, 68, "'many' is not a valid cardinality for <interface>"), in: report)
    }

    @Test func badContingencyIsPlacedAtTheContingencyAttribute() {
        let report = InvalidFixtures.check("BadContingency")
        expectOnlyError(at("BadContingency", 2, 68, "'maybe' is not a valid contingency for <interface>"), in: report)
    }

    @Test func badVirtualNodeCardinalityIsPlacedAtTheAttribute() {
        // `  <virtual-node name="vn" cardinality="several"/>`: `cardinality` is column 27.
        let report = InvalidFixtures.check("BadVirtualNodeCardinality")
        expectOnlyError(at("BadVirtualNodeCardinality", 2, 27, "'several' is not a valid cardinality for <virtual-node>"), in: report)
    }

    @Test func commentTakesNoContent() {
        let report = InvalidFixtures.check("CommentWithContent")
        expectOnlyError(at("CommentWithContent", 2, 3, "<comment> takes no content"), in: report)
    }

    @Test func rootElementThatIsNotADefinition() {
        let report = InvalidFixtures.check("RootIsNotDefinition")
        expectOnlyError(at("RootIsNotDefinition", 1, 1, "is <component>; an architecture file holds one <definition>"), in: report)
    }

    // MARK: - Definitions, extends, arguments

    @Test func unknownDefinitionOfAComponent() {
        // `  <component name="c" definition="no.Such"/>`: `definition` is column 23.
        let report = InvalidFixtures.check("UnknownDefinitionInComponent")
        let folder = InvalidFixtures.folder, adl = InvalidFixtures.adl
        expectOnlyError(at("UnknownDefinitionInComponent", 2, 23,
                           "unknown definition 'no.Such' (looked for \(folder)/no/Such.fractal, \(adl)/no/Such.fractal)"), in: report)
    }

    @Test func unknownDefinitionInExtends() {
        // `<definition name="UnknownDefinitionInExtends" extends=`: the name is columns 19–44.
        let report = InvalidFixtures.check("UnknownDefinitionInExtends")
        expectOnlyError(at("UnknownDefinitionInExtends", 1, 47,
                           "unknown definition 'NoSuchParent' (looked for \(InvalidFixtures.folder)/NoSuchParent.fractal"), in: report)
    }

    @Test func cycleOfExtends() {
        // Found at ExtendsCycleB's extends (column 21 + 13), where the chain closes.
        let report = InvalidFixtures.check("ExtendsCycleA")
        expectOnlyError(at("ExtendsCycleB", 1, 34, "cycle of definitions: ExtendsCycleA → ExtendsCycleB → ExtendsCycleA"), in: report)
    }

    @Test func componentWhoseDefinitionIsItsOwnContainer() {
        // `  <component name="me" definition=`: `definition` is column 24.
        let report = InvalidFixtures.check("SelfReference")
        expectOnlyError(at("SelfReference", 2, 24, "cycle of definitions: SelfReference → SelfReference"), in: report)
    }

    @Test func referencedFileDefinesAnotherName() {
        let report = InvalidFixtures.check("UsesMisnamed")
        expectOnlyError(at("Misnamed", 1, 13, "the file of 'Misnamed' defines 'SomethingElse'"), in: report)
    }

    @Test func badReferenceInExtends() {
        let report = InvalidFixtures.check("BadExtendsReference")
        expectOnlyError(at("BadExtendsReference", 1, 40,
                           "bad reference in extends: 'helloworld.ServerType(' opens '(' without closing it"), in: report)
    }

    @Test func badDefinitionReferenceOfAComponent() {
        let report = InvalidFixtures.check("BadComponentReference")
        expectOnlyError(at("BadComponentReference", 2, 23,
                           "bad definition reference: 'helloworld.Server(1' opens '(' without closing it"), in: report)
    }

    @Test func undefinedArgument() {
        // `  <comment text="${b}"/>`: `text` is column 12.
        let report = InvalidFixtures.check("UndefinedArgument")
        expectOnlyError(at("UndefinedArgument", 2, 12, "undefined argument 'b': 'UndefinedArgument' declares no such argument"), in: report)
    }

    @Test func unclosedSubstitution() {
        let report = InvalidFixtures.check("UnclosedSubstitution")
        expectOnlyError(at("UnclosedSubstitution", 2, 12, "'${' is not closed by '}' in \"${a\""), in: report)
    }

    @Test func noValueForADeclaredArgumentIsReportedOnce() {
        // TakesTwo declares `a` (no default) at 1:29; the reference passes nothing. That `${a}`
        // then has no value is the same problem, not an "undefined argument".
        let report = InvalidFixtures.check("NoValueForArgument")
        expectOnlyError(at("NoValueForArgument", 2, 23, "no value for argument 'a' of 'TakesTwo'"),
                        notes: [at("TakesTwo", 1, 29, "declared here")], in: report)
    }

    @Test func mixedPositionalAndNamedArguments() {
        let report = InvalidFixtures.check("MixedArguments")
        expectOnlyError(at("MixedArguments", 2, 23, "'TakesTwo(1, b=>2)' mixes positional and named (name=>value) arguments"), in: report)
    }

    @Test func tooManyPositionalArguments() {
        let report = InvalidFixtures.check("TooManyArguments")
        expectOnlyError(at("TooManyArguments", 2, 23, "'TakesTwo' takes 2 arguments (a, b), 3 given"), in: report)
    }

    @Test func unknownNamedArgument() {
        let report = InvalidFixtures.check("UnknownNamedArgument")
        expectOnlyError(at("UnknownNamedArgument", 2, 23, "'TakesTwo' has no argument named 'c' (it declares: a, b)"), in: report)
    }

    @Test func interfaceWithoutRole() {
        let report = InvalidFixtures.check("InterfaceWithoutRole")
        expectOnlyError(at("InterfaceWithoutRole", 2, 3, "interface 'r' has no role"), in: report)
    }

    @Test func interfaceWithoutSignature() {
        let report = InvalidFixtures.check("InterfaceWithoutSignature")
        expectOnlyError(at("InterfaceWithoutSignature", 2, 3, "interface 'r' has no signature"), in: report)
    }

    @Test func duplicateInterfaceName() {
        // At the second interface's name attribute.
        let report = InvalidFixtures.check("DuplicateInterfaceName")
        expectOnlyError(at("DuplicateInterfaceName", 3, 14, "duplicate interface name 'r' in 'DuplicateInterfaceName'"), in: report)
    }

    @Test func duplicateComponentName() {
        let report = InvalidFixtures.check("DuplicateComponentName")
        expectOnlyError(at("DuplicateComponentName", 3, 14, "duplicate component name 'c' in 'DuplicateComponentName'"), in: report)
    }

    @Test func attributeSetTwice() {
        // `    <attribute name="count" value="2"/>`: `name` is column 16.
        let report = InvalidFixtures.check("AttributeSetTwice")
        expectOnlyError(at("AttributeSetTwice", 4, 16, "attribute 'count' is set twice"), in: report)
    }

    @Test func twoContentElements() {
        let report = InvalidFixtures.check("TwoContents")
        expectOnlyError(at("TwoContents", 3, 3, "<definition> has more than one <content>"), in: report)
    }

    @Test func twoControllerElements() {
        let report = InvalidFixtures.check("TwoControllers")
        expectOnlyError(at("TwoControllers", 3, 3, "<definition> has more than one <controller>"), in: report)
    }

    @Test func twoAttributesElements() {
        let report = InvalidFixtures.check("TwoAttributesElements")
        expectOnlyError(at("TwoAttributesElements", 3, 3, "<definition> has more than one <attributes>"), in: report)
    }

    @Test func twoVirtualNodeElements() {
        let report = InvalidFixtures.check("TwoVirtualNodes")
        expectOnlyError(at("TwoVirtualNodes", 3, 3, "<definition> has more than one <virtual-node>"), in: report)
    }

    @Test func twoContentElementsInAComponent() {
        let report = InvalidFixtures.check("TwoContentsInComponent")
        expectOnlyError(at("TwoContentsInComponent", 4, 5, "<component> has more than one <content>"), in: report)
    }

    // MARK: - Checks of the architecture (content classes, signatures, shape, bindings)

    @Test func unknownContentClass() {
        // `  <content class="no.Impl"/>`: `class` is column 12.
        let report = InvalidFixtures.check("UnknownContentClass")
        expectOnlyError(at("UnknownContentClass", 3, 12,
                           "unknown content class 'no.Impl' (registered: census.Probe, census.Surveyor, census.Tally, helloworld.BroadcastClientImpl, helloworld.ClientImpl, helloworld.ServerImpl, monitoring.CallCounter, monitoring.Client)"), in: report)
    }

    @Test func unknownSignature() {
        let report = InvalidFixtures.check("UnknownSignature")
        expectOnlyError(at("UnknownSignature", 2, 3, "unknown signature 'no.Sig' of interface 's'"), in: report)
    }

    @Test func unknownControllerDescription() {
        // `  <controller desc="primitve"/>`: `desc` is column 15.
        let report = InvalidFixtures.check("UnknownControllerDescription")
        expectOnlyError(at("UnknownControllerDescription", 2, 15, "unknown controller description 'primitve'"), in: report)
    }

    @Test func contentTogetherWithSubComponents() {
        let report = InvalidFixtures.check("ContentAndSubComponents")
        expectOnlyError(at("ContentAndSubComponents", 3, 12, "'ContentAndSubComponents' has both content and sub-components"), in: report)
    }

    // Binding fixtures: line 2 the interface r, lines 3–4 components client and server, bindings
    // from line 5 as `  <binding client="C" server="S"/>` (client at 12, server at 22 + C's length).

    @Test func bindingClientWithoutADot() {
        let report = InvalidFixtures.check("BindingClientSyntax")
        expectOnlyError(at("BindingClientSyntax", 6, 12, "binding client 'client' must be 'component.interface' or 'this.interface'"), in: report)
    }

    @Test func bindingServerWithTwoDots() {
        let report = InvalidFixtures.check("BindingServerSyntax")
        expectOnlyError(at("BindingServerSyntax", 6, 30, "binding server 'server.s.x' must be 'component.interface' or 'this.interface'"), in: report)
    }

    @Test func bindingToAnUnknownSubComponent() {
        let report = InvalidFixtures.check("NoSuchSubComponent")
        expectOnlyError(at("NoSuchSubComponent", 6, 30, "no sub-component named 'sever' in 'NoSuchSubComponent' (it has: client, server)"), in: report)
    }

    @Test func bindingToAnInterfaceTheComponentHasNot() {
        let report = InvalidFixtures.check("NoSuchInterfaceOnComponent")
        expectOnlyError(at("NoSuchInterfaceOnComponent", 6, 30, "component 'server' has no interface 't' (it has: s)"), in: report)
    }

    @Test func thisNamingAnInterfaceTheDefinitionHasNot() {
        let report = InvalidFixtures.check("ThisHasNoSuchInterface")
        expectOnlyError(at("ThisHasNoSuchInterface", 5, 12, "'ThisHasNoSuchInterface' has no interface 'q' (bad this.q"), in: report)
    }

    @Test func thisServerInterfaceAsABindingServer() {
        let report = InvalidFixtures.check("ThisServerInterfaceAsBindingServer")
        expectOnlyError(at("ThisServerInterfaceAsBindingServer", 6, 30,
                           "bad this usage: 'this.r' is a server interface of 'ThisServerInterfaceAsBindingServer'"), in: report)
    }

    @Test func thisClientInterfaceAsABindingClient() {
        // This fixture declares a second interface on line 3: the bindings are lines 6–8.
        let report = InvalidFixtures.check("ThisClientInterfaceAsBindingClient")
        expectOnlyError(at("ThisClientInterfaceAsBindingClient", 8, 12,
                           "bad this usage: 'this.out' is a client interface of 'ThisClientInterfaceAsBindingClient'"), in: report)
    }

    @Test func clientToClientBinding() {
        let report = InvalidFixtures.check("ClientToClientBinding")
        expectOnlyError(at("ClientToClientBinding", 6, 30, "client-to-client binding: 'client.s' is a client interface"), in: report)
    }

    @Test func bindingStartingAtAServerInterface() {
        let report = InvalidFixtures.check("BindingFromServerInterface")
        expectOnlyError(at("BindingFromServerInterface", 7, 12, "'server.s' is a server interface: a binding starts at a client interface"), in: report)
    }

    @Test func typeMismatch() {
        let report = InvalidFixtures.check("TypeMismatch")
        expectOnlyError(at("TypeMismatch", 5, 3, "type mismatch: 'this.r' is a java.lang.Runnable, 'server.s' a helloworld.Service"), in: report)
    }

    @Test func mandatoryClientBoundToAnOptionalServer() {
        let report = InvalidFixtures.check("MandatoryBoundToOptional")
        expectOnlyError(at("MandatoryBoundToOptional", 9, 3, "mandatory 'client.s' is bound to optional 'server.s'"), in: report)
    }

    @Test func singletonClientBoundTwice() {
        let report = InvalidFixtures.check("SingletonBoundTwice")
        expectOnlyError(at("SingletonBoundTwice", 7, 3, "'client.s' is bound twice"), in: report)
    }

    @Test func unboundMandatoryClientIsAWarningNamingWhereTheComponentIsUsed() {
        // Declared in the shipped helloworld/Client.fractal (5:3); the component that leaves it
        // unbound is `client`, whose definition attribute is 3:28 of the fixture.
        let report = InvalidFixtures.check("UnboundMandatoryClient")
        #expect(report.errors.isEmpty, "\(listing(report.errors))")
        expectDiagnostic(atShipped("helloworld/Client.fractal", 5, 3,
                                   "mandatory client interface 'client.s' is not bound: 'UnboundMandatoryClient' cannot start"),
                         severity: .warning,
                         notes: [at("UnboundMandatoryClient", 3, 28, "in definition 'helloworld.Client', used by component 'client' of 'UnboundMandatoryClient'")],
                         in: report.warnings)
    }

    @Test func unexportedServerInterfaceOfACompositeIsAWarning() {
        let report = InvalidFixtures.check("UnexportedServerInterface")
        #expect(report.errors.isEmpty, "\(listing(report.errors))")
        expectDiagnostic(at("UnexportedServerInterface", 2, 3, "mandatory server interface 'r' of composite 'UnexportedServerInterface' is not exported"),
                         severity: .warning, in: report.warnings)
    }

    @Test func sharedComponentPathNotFound() {
        // `  <component name="again" definition="./nowhere"/>`: `definition` is column 27.
        let report = InvalidFixtures.check("SharedPathNotFound")
        expectOnlyError(at("SharedPathNotFound", 3, 27, "no component at './nowhere' to share"), in: report)
    }

    @Test func interfaceNamedLikeTheMembersOfACollection() {
        let report = InvalidFixtures.check("CollectionNameConflict")
        expectOnlyError(at("CollectionNameConflict", 3, 3, "'s2' starts with the name of the collection interface 's'"), in: report)
    }

    @Test func emptyInterfaceNameIsPlacedAtTheInterface() {
        let report = InvalidFixtures.check("EmptyInterfaceName")
        expectOnlyError(at("EmptyInterfaceName", 2, 3, "an interface type has an empty name"), in: report)
    }

    // MARK: - Errors of the runtime at instantiation, placed at the element they are about

    @Test func attributeValueThatIsNotAnInt() {
        // `    <attribute name="count" value="three"/>`: `value` is column 29; ServerImpl's count is an Int.
        let report = InvalidFixtures.check("BadAttributeValue")
        expectOnlyError(at("BadAttributeValue", 3, 29, "attribute 'count' is a Int: 'three' is not a valid Int"), in: report)
    }

    @Test func attributeValueThatIsNotAnIntFailsALoad() {
        let path = InvalidFixtures.path("BadAttributeValue")
        do {
            _ = try ADL.load(path, searchPath: InvalidFixtures.searchPath, registry: InvalidFixtures.registry())
            Issue.record("loading \(path) should fail")
        } catch let error as ADLError {
            expectDiagnostic(at("BadAttributeValue", 3, 29, "attribute 'count' is a Int: 'three' is not a valid Int"), in: error.errors)
            #expect(error.errors.count == 1, "\(error)")
            #expect(error.description.hasPrefix("\(path):3:29: error: attribute 'count'"))
        } catch {
            Issue.record("ADL.load should throw an ADLError, not \(error)")
        }
    }

    @Test func attributeTheContentDoesNotHaveIsPlacedAtItsName() {
        // `    <attribute name="colour" value="red"/>`: the name is what is wrong; `name` is column 16.
        let report = InvalidFixtures.check("NoSuchAttribute")
        expectOnlyError(at("NoSuchAttribute", 3, 16, "no attribute named 'colour' (the component has: header, count)"), in: report)
    }

    @Test func attributesForAContentWithoutAttributesArePlacedAtTheAttributesElement() {
        let report = InvalidFixtures.check("AttributesOnContentWithoutAttributes")
        expectOnlyError(at("AttributesOnContentWithoutAttributes", 2, 3,
                           "'AttributesOnContentWithoutAttributes' sets attributes, but its content declares none"), in: report)
    }

    @Test func contentThatDoesNotImplementAServerInterface() {
        let report = InvalidFixtures.check("ContentDoesNotImplementServer")
        expectOnlyError(at("ContentDoesNotImplementServer", 2, 3,
                           "the content (ServerImpl) does not implement 'java.lang.Runnable' for server interface 'r'"), in: report)
    }

    @Test func contentWithoutAPortForAClientInterface() {
        let report = InvalidFixtures.check("ContentHasNoClientPort")
        expectOnlyError(at("ContentHasNoClientPort", 3, 3, "the content declares no client port for client interface 'out'"), in: report)
    }

    @Test func contentPortOfAnotherSignature() {
        let report = InvalidFixtures.check("PortSignatureMismatch")
        expectOnlyError(at("PortSignatureMismatch", 3, 3, "the content's port for 's' holds"), in: report)
    }

    @Test func contentPortOfAnotherCardinality() {
        let report = InvalidFixtures.check("PortCardinalityMismatch")
        expectOnlyError(at("PortCardinalityMismatch", 3, 3, "client interface 's' is a collection interface, but the content's port is a Client"), in: report)
    }

    @Test func runtimeErrorInAReferencedDefinitionNamesTheComponent() {
        // Component `server` (line 4, definition attribute at 28) is a BadAttributeValue.
        let report = InvalidFixtures.check("RuntimeErrorInSubComponent")
        expectOnlyError(at("BadAttributeValue", 3, 29, "attribute 'count' is a Int: 'three' is not a valid Int"),
                        notes: [at("RuntimeErrorInSubComponent", 4, 28, "in definition 'BadAttributeValue', used by component 'server' of 'RuntimeErrorInSubComponent'")],
                        in: report)
    }

    // MARK: - Encodings: columns count characters

    @Test func latin1FileMalformedAfterAccentedCharacters() {
        // `  <comment text="ééé & x"/>` in ISO-8859-1: é is one byte here, two in UTF-8, one character
        // either way; `&` is column 22, reported just after.
        let report = InvalidFixtures.check("Latin1MalformedAfterAccents")
        expectFirstError(at("Latin1MalformedAfterAccents", 3, 23, "xmlParseEntityRef: no name"), in: report)
    }

    @Test func latin1FileWithAnUnknownElementAfterAccentedCharacters() {
        // `  <comment text="café été"/> <bogus/>`: `<bogus` is column 30.
        let report = InvalidFixtures.check("Latin1UnknownElementAfterAccents")
        expectOnlyError(at("Latin1UnknownElementAfterAccents", 3, 30, "unknown element <bogus>"), in: report)
    }

    @Test func latin1FileWithADuplicateNameAfterAccentedCharacters() {
        // `  <comment text="déjà"/><interface name="r"`: `<interface` is column 25, `name` 36.
        let report = InvalidFixtures.check("Latin1DuplicateNameAfterAccents")
        expectOnlyError(at("Latin1DuplicateNameAfterAccents", 4, 36, "duplicate interface name 'r'"), in: report)
    }

    @Test func utf8FileWithACharacterOutsideTheBMP() {
        // `  <comment text="𝄞é"/><bogus/>`: 𝄞 (4 bytes) and é (2 bytes) are columns 18 and 19.
        let report = InvalidFixtures.check("Utf8AstralCharacters")
        expectOnlyError(at("Utf8AstralCharacters", 3, 23, "unknown element <bogus>"), in: report)
    }

    @Test func utf16File() {
        // `  <comment text="é"/><bogus/>`: `<bogus` is column 22.
        let report = InvalidFixtures.check("Utf16Document")
        expectOnlyError(at("Utf16Document", 3, 22, "unknown element <bogus>"), in: report)
    }

    @Test func utf8ByteOrderMarkIsNotAColumn() {
        // BOM, then `<definition name="Utf8ByteOrderMark"><bogus/>`: the name is columns 19–35, `<bogus` 38.
        let report = InvalidFixtures.check("Utf8ByteOrderMark")
        expectOnlyError(at("Utf8ByteOrderMark", 1, 38, "unknown element <bogus>"), in: report)
    }

    // MARK: - Errors inside extended parents and referenced definitions: the notes name the chain

    @Test func errorInAGrandParentNamesBothExtends() {
        let report = InvalidFixtures.check("InheritChild")
        expectOnlyError(at("InheritGrandParent", 2, 3, "interface 'q' has no signature"),
                        notes: [at("InheritParent", 1, 34, "inherited from 'InheritGrandParent', which 'InheritParent' extends"),
                                at("InheritChild", 1, 33, "inherited from 'InheritParent', which 'InheritChild' extends")],
                        in: report)
    }

    @Test func unknownSignatureInAParentNamesTheExtends() {
        let report = InvalidFixtures.check("SignatureChild")
        expectOnlyError(at("SignatureParent", 2, 3, "unknown signature 'no.Sig' of interface 's'"),
                        notes: [at("SignatureChild", 1, 35, "inherited from 'SignatureParent', which 'SignatureChild' extends")],
                        in: report)
    }

    @Test func unknownContentClassInAParentNamesTheExtends() {
        let report = InvalidFixtures.check("ClassChild")
        expectOnlyError(at("ClassParent", 3, 12, "unknown content class 'no.Impl'"),
                        notes: [at("ClassChild", 1, 31, "inherited from 'ClassParent', which 'ClassChild' extends")],
                        in: report)
    }

    @Test func undefinedArgumentInAParentNamesTheExtends() {
        let report = InvalidFixtures.check("ArgumentChild")
        expectOnlyError(at("ArgumentParent", 2, 12, "undefined argument 'y': 'ArgumentParent' declares no such argument"),
                        notes: [at("ArgumentChild", 1, 34, "inherited from 'ArgumentParent', which 'ArgumentChild' extends")],
                        in: report)
    }

    @Test func invalidElementInAParentIsPlacedInTheParent() {
        let report = InvalidFixtures.check("ValidationChild")
        expectOnlyError(at("ValidationParent", 2, 3, "unknown element <bogus>"), in: report)
    }

    @Test func malformedParentIsReportedInTheParent() {
        // `  <interface name="r"` then `</definition>`: libxml2 finds `<` where a name should be, at 3:1.
        let report = InvalidFixtures.check("MalformedChild")
        expectDiagnostic(at("MalformedParent", 3, 1, "error parsing attribute name"), in: report.errors)
        #expect(report.errors.first.map { at("MalformedParent", 3, 1, "error parsing attribute name").matches($0.location, $0.message) } == true,
                "\(listing(report.errors))")
        #expect(report.errors.allSatisfy { $0.location?.file == InvalidFixtures.path("MalformedParent") }, "\(listing(report.errors))")
    }

    @Test func errorInAReferencedDefinitionNamesTheComponent() {
        let report = InvalidFixtures.check("ReferencingUser")
        expectOnlyError(at("ReferencedSub", 2, 3, "unknown signature 'no.Sig' of interface 's'"),
                        notes: [at("ReferencingUser", 2, 23, "in definition 'ReferencedSub', used by component 's' of 'ReferencingUser'")],
                        in: report)
    }

    @Test func errorTwoReferencesDownNamesBothComponents() {
        let report = InvalidFixtures.check("ReferencingUserUser")
        expectOnlyError(at("ReferencedSub", 2, 3, "unknown signature 'no.Sig' of interface 's'"),
                        notes: [at("ReferencingUser", 2, 23, "in definition 'ReferencedSub', used by component 's' of 'ReferencingUser'"),
                                at("ReferencingUserUser", 2, 23, "in definition 'ReferencingUser', used by component 'u' of 'ReferencingUserUser'")],
                        in: report)
    }

    @Test func interfaceWithoutRoleInAReferencedDefinitionNamesTheComponent() {
        let report = InvalidFixtures.check("RoleUser")
        expectOnlyError(at("RoleSub", 2, 3, "interface 'r' has no role"),
                        notes: [at("RoleUser", 2, 23, "in definition 'RoleSub', used by component 'c' of 'RoleUser'")],
                        in: report)
    }

    @Test func errorThroughAReferenceThenAnExtendsNamesBoth() {
        let report = InvalidFixtures.check("ReferenceThenExtends")
        expectOnlyError(at("InheritGrandParent", 2, 3, "interface 'q' has no signature"),
                        notes: [at("InheritParent", 1, 34, "inherited from 'InheritGrandParent', which 'InheritParent' extends"),
                                at("ReferenceThenExtends", 2, 23, "in definition 'InheritParent', used by component 'c' of 'ReferenceThenExtends'")],
                        in: report)
    }

    // MARK: - Every error of a file at once; structure only

    @Test func threeDifferentErrorsOfOneFileAreReportedTogether() {
        // An unknown element (DTD), an unknown definition (resolution), a binding to a component
        // that is not there (check): three diagnostics from one check.
        let report = InvalidFixtures.check("ThreeErrorsInOneFile")
        expectDiagnostic(at("ThreeErrorsInOneFile", 3, 3, "unknown element <bogus>"), in: report.errors)
        expectDiagnostic(at("ThreeErrorsInOneFile", 4, 23, "unknown definition 'no.Such'"), in: report.errors)
        expectDiagnostic(at("ThreeErrorsInOneFile", 5, 28, "no sub-component named 'nobody' in 'ThreeErrorsInOneFile'"), in: report.errors)
        #expect(report.errors.count == 3, "\(listing(report.errors))")
    }

    @Test func structureOnlyLeavesClassesAndSignaturesAloneButChecksBindings() {
        let report = InvalidFixtures.check("StructureOnlyStillChecksBindings", structureOnly: true)
        // `  <binding client="this.r" server="worker.x"/>`: `server` is column 28.
        expectOnlyError(at("StructureOnlyStillChecksBindings", 7, 28, "component 'worker' has no interface 'x' (it has: w)"), in: report)
    }

    @Test func fullCheckOfTheSameFileAlsoReportsClassesAndSignatures() {
        let report = InvalidFixtures.check("StructureOnlyStillChecksBindings")
        expectDiagnostic(at("StructureOnlyStillChecksBindings", 2, 3, "unknown signature 'no.Such.Signature' of interface 'r'"), in: report.errors)
        expectDiagnostic(at("StructureOnlyStillChecksBindings", 4, 5, "unknown signature 'other.Signature' of interface 'w'"), in: report.errors)
        expectDiagnostic(at("StructureOnlyStillChecksBindings", 5, 14, "unknown content class 'no.Such.Impl'"), in: report.errors)
        expectDiagnostic(at("StructureOnlyStillChecksBindings", 7, 28, "component 'worker' has no interface 'x' (it has: w)"), in: report.errors)
        #expect(report.errors.count == 4, "\(listing(report.errors))")
    }

    // MARK: - Found by ADLFuzzTests: crashed the process (kept in a child process so a crash fails only this test)

    @Test func argumentDeclarationWithoutANameIsAnErrorNotACrash() async {
        // `<definition name="EmptyArgumentDeclaration" arguments="a,=">`: `arguments` is column 45.
        // A crash shows as the child's signal (SIGILL: a Swift runtime trap); a wrong or missing
        // error as exit code 1.
        await #expect(processExitsWith: .success, "checking \(InvalidFixtures.path("EmptyArgumentDeclaration"))") {
            let report = InvalidFixtures.check("EmptyArgumentDeclaration")
            let expected = at("EmptyArgumentDeclaration", 1, 45, "argument")
            if !report.errors.contains(where: { expected.matches($0.location, $0.message) }) {
                FileHandle.standardError.write(Data("expected an error at \(expected); got:\n\(listing(report.errors))\n".utf8))
                exit(1)
            }
        }
    }
}
