import Foundation
import Fractal
import FractalADL
import Testing

/// Architecture files written for ProActive (GCM), as its users have them: `ISO-8859-1`,
/// `classpath://` DTDs, controller-configuration paths, non-functional membranes, arguments
/// given by whoever uses a definition, Java signatures, collective interfaces, composites with
/// content. One file each under Fixtures/proactive/ (definitions `proactive.*`).
@Suite("GCM corpus")
struct GCMCorpusTests {
    static let folder = InvalidFixtures.package + "/Tests/FractalADLTests/Fixtures/proactive"

    /// Each definition of the corpus, and the warnings its check alone must give (parts of
    /// their messages); anything else is unexpected.
    static let corpus: [(name: String, warnings: [String])] = [
        ("proactive.Worker", []),
        ("proactive.WrapperType", ["mandatory server interface 'service' of composite 'WrapperType' is not exported"]),
        ("proactive.Monitored", []),
        ("proactive.Sampler", []),
        ("proactive.Parameterised", ["checked alone, 'proactive.Parameterised' has no value for arguments 'host', 'port'"]),
        ("proactive.Collective", []),
        ("proactive.AttributedComposite", ["ProActive composites keep their attributes in a content class"]),
        ("proactive.Standard", []),
    ]

    static func check(_ name: String, structureOnly: Bool) -> ADL.Report {
        ADL.check(name, searchPath: [InvalidFixtures.package + "/Tests/FractalADLTests/Fixtures"], registry: InvalidFixtures.registry(), structureOnly: structureOnly)
    }

    @Test(arguments: corpus.map(\.name))
    func checksCleanStructureOnly(_ name: String) throws {
        let report = Self.check(name, structureOnly: true)
        #expect(report.plan != nil)
        #expect(report.errors.isEmpty, "\(report.errors.map(\.description))")
        let expected = try #require(Self.corpus.first { $0.name == name }).warnings
        #expect(report.warnings.count == expected.count, "\(report.warnings.map(\.description))")
        for part in expected { #expect(report.warnings.contains { $0.message.contains(part) }, "no warning '\(part)'") }
    }

    @Test(arguments: corpus.map(\.name))
    func fullCheckNotesWhatNeedsTheJavaTypesInsteadOfRejecting(_ name: String) {
        let report = Self.check(name, structureOnly: false)
        #expect(report.errors.isEmpty, "\(report.errors.map(\.description))")
        // Every one of them names Java types: each is a note, and nothing is instantiated.
        #expect(report.notes.contains { $0.message.hasPrefix("written for a Java implementation:") })
        #expect(report.notes.contains { $0.message.hasPrefix("not instantiated:") })
    }

    @Test func aControllerConfigurationPathIsANoteAtItsPlace() {
        let report = Self.check("proactive.Worker", structureOnly: true)
        let note = report.notes.first { $0.message.contains("is a ProActive controller configuration") }
        #expect(note?.location?.file == Self.folder + "/Worker.fractal")
        #expect(note?.location?.line == 13 && note?.location?.column == 15)
        #expect(note?.message.contains("the standard membrane of a primitive") == true)
    }

    @Test func theMembraneIsReadNotDropped() throws {
        let plan = try #require(Self.check("proactive.Monitored", structureOnly: true).plan)
        #expect(plan.membrane.map(\.name) == ["counter", "sampler"])
        #expect(plan.membrane.last?.contentClass == "org.example.nf.FastSampler")
        #expect(plan.membraneBindings.map(\.client) == ["this.monitor-controller", "counter.report", "sampler.next", "this.monitor-int-controller"])
        // The NF interfaces are the membrane's; the extended definition's controller stays.
        #expect(plan.interfaces.filter(\.isControl).map(\.type.name) == ["monitor-controller", "monitor-int-controller", "report-controller"])
        #expect(plan.controller == "composite")
    }

    @Test func aUsedDefinitionGetsItsArgumentsFromItsUser() throws {
        let plan = try #require(Self.check("proactive.Collective", structureOnly: true).plan)
        let first = try #require(plan.allPlans.first { $0.name == "first" })
        let second = try #require(plan.allPlans.first { $0.name == "second" })
        #expect(first.attributes.first { $0.name == "url" }?.value == "http://a.example.org:8080/")
        #expect(second.attributes.first { $0.name == "url" }?.value == "http://b.example.org:8081/")
        #expect(first.attributes.first { $0.name == "label" }?.value == "none")
    }

    @Test func latin1IsReadAsLatin1() throws {
        let plan = try #require(Self.check("proactive.Worker", structureOnly: true).plan)
        #expect(plan.attributes.first?.value == "café")
    }

    // MARK: What stays wrong in a GCM file

    static func invalid(_ fixture: String) -> ADL.Report { InvalidFixtures.check(fixture, structureOnly: true) }

    @Test func aMembraneBindingToNothingIsALocatedError() {
        let report = Self.invalid("GCMMembraneDangling")
        expectDiagnostic(at("GCMMembraneDangling", 12, 41, "'counter' has no interface 'missing' (it has: m)"), in: report.errors)
        expectDiagnostic(at("GCMMembraneDangling", 13, 14, "no membrane or sub-component named 'nobody' in 'GCMMembraneDangling'"), in: report.errors)
        #expect(report.errors.count == 2, "\(report.errors.map(\.description))")
    }

    @Test func twoMembraneComponentsOfOneNameAreAnError() {
        expectOnlyError(at("GCMDuplicateMembraneComponent", 7, 16, "duplicate component name 'nf' in the membrane of 'GCMDuplicateMembraneComponent'"),
                        in: Self.invalid("GCMDuplicateMembraneComponent"))
    }

    @Test func aClientToClientBindingStaysAnError() {
        expectOnlyError(at("GCMClientToClient", 12, 27, "client-to-client binding: 'b.out' is a client interface"), in: Self.invalid("GCMClientToClient"))
    }

    @Test func aCycleOfDefinitionsStaysAnError() {
        let report = Self.invalid("GCMCycleA")
        expectDiagnostic(at("GCMCycleB", 3, 30, "cycle of definitions: GCMCycleA → GCMCycleB → GCMCycleA"), in: report.errors)
    }
}
