import Foundation
import Fractal
import FractalADL
import Synchronization
import Testing

// MARK: - Signatures and content classes the fixtures name (registered in a fresh Registry per suite instance)

/// The one signature of the fixtures: `vadl.Greeter`.
@Interface("vadl.Greeter")
protocol VGreeter: Sendable {
    func greet(_ name: String) async throws -> String
}

/// `vadl.GreeterImpl`: answers `<prefix><name>#<rate>`.
final class VGreeterImpl: VGreeter {
    let prefix = Attribute("prefix", "")
    let rate = Attribute("rate", 0)
    let label = Attribute("label", "")

    func greet(_ name: String) async throws -> String { "\(prefix.value)\(name)#\(rate.value)" }
}

/// `vadl.RelayImpl`: wraps what the greeter bound to `next` answers in `<tag>(…)`.
final class VRelayImpl: VGreeter {
    let next = Client<any VGreeter>("next")
    let tag = Attribute("tag", "relay")

    func greet(_ name: String) async throws -> String { "\(tag.value)(\(try await next().greet(name)))" }
}

/// `vadl.CollectorImpl`: asks every member of its collection `clients`, in member-name order.
final class VCollectorImpl: VGreeter {
    let clients = ClientCollection<any VGreeter>("clients")

    func greet(_ name: String) async throws -> String {
        var answers: [String] = []
        for (member, server) in clients.members { answers.append("\(member)=\(try await server.greet(name))") }
        return answers.joined(separator: ",")
    }
}

/// `vadl.CasterImpl`: one call on its multicast `cast`, answers in bind order.
final class VCasterImpl: VGreeter {
    let cast = Multicast<any VGreeter>("cast")

    func greet(_ name: String) async throws -> String {
        try await cast.invoke { try await $0.greet(name) }.joined(separator: ",")
    }
}

/// `vadl.RunnerImpl`: the application (java.lang.Runnable); remembers what its greeter answered.
final class VRunnerImpl: Runnable {
    let g = Client<any VGreeter>("g")
    let answers = Mutex<[String]>([])

    func run() async throws {
        let answer = try await g().greet("run")
        answers.withLock { $0.append(answer) }
    }
}

enum ValidFixtures {
    /// Tests/FractalADLTests/Fixtures/valid: the search path of these tests.
    static let folder: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures").appendingPathComponent("valid").path

    static func makeRegistry() -> Registry {
        let registry = Registry()
        registry.register(VGreeterProxy.self)
        registry.registerContent("vadl.GreeterImpl") { VGreeterImpl() }
        registry.registerContent("vadl.RelayImpl") { VRelayImpl() }
        registry.registerContent("vadl.CollectorImpl") { VCollectorImpl() }
        registry.registerContent("vadl.CasterImpl") { VCasterImpl() }
        registry.registerContent("vadl.RunnerImpl") { VRunnerImpl() }
        return registry
    }

    /// Every fixture as a definition name (`shop/Store.fractal` → `shop.Store`).
    static func definitionNames() throws -> [String] {
        let root = URL(fileURLWithPath: folder)
        guard let walker = FileManager.default.enumerator(atPath: root.path) else { return [] }
        var names: [String] = []
        for case let relative as String in walker where relative.hasSuffix(".fractal") {
            names.append(String(relative.dropLast(".fractal".count)).replacingOccurrences(of: "/", with: "."))
        }
        return names.sorted()
    }

    static func temporaryFolder(_ tag: String) throws -> URL {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("valid-adl-\(tag)-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }
}

// MARK: - Tests

@Suite struct ValidADLTests {
    let registry = ValidFixtures.makeRegistry()
    let searchPath = [ValidFixtures.folder]

    // MARK: Helpers

    func load(_ target: String, context: [String: String] = [:]) throws -> Component {
        do {
            return try ADL.load(target, searchPath: searchPath, context: context, registry: registry)
        } catch let error as ADLError {
            Issue.record("\(target) did not load:\n\(error)")
            throw error
        }
    }

    /// The plan of `target`, which must check without a single diagnostic (error or warning).
    func cleanPlan(_ target: String, context: [String: String] = [:], sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> ComponentPlan {
        let report = ADL.check(target, searchPath: searchPath, context: context, registry: registry)
        #expect(report.diagnostics.isEmpty, "\(target): \(report.diagnostics.map(\.description))", sourceLocation: sourceLocation)
        return try #require(report.plan, sourceLocation: sourceLocation)
    }

    func sub(_ component: Component, _ name: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> Component {
        let found = try component.contentController.subComponents.first { $0.name == name }
        return try #require(found, "\(component.path) has no sub-component '\(name)'", sourceLocation: sourceLocation)
    }

    func childPlan(_ plan: ComponentPlan, _ name: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> ComponentPlan {
        let found = plan.children.lazy.compactMap { child -> ComponentPlan? in
            if case .plan(let childPlan) = child, childPlan.name == name { return childPlan }
            return nil
        }.first
        return try #require(found, "plan \(plan.name) has no planned child '\(name)'", sourceLocation: sourceLocation)
    }

    func attribute(_ component: Component, _ name: String) throws -> String {
        try component.attributeController.string(name)
    }

    /// Starts `component`, calls its `g` interface with `name`, stops it.
    func greet(_ component: Component, _ name: String = "x") async throws -> String {
        try await component.lifeCycleController.start()
        let answer: String
        do {
            answer = try await component.interface(named: "g").callable(as: (any VGreeter).self).greet(name)
        } catch {
            try await component.lifeCycleController.stop()
            throw error
        }
        try await component.lifeCycleController.stop()
        return answer
    }

    func boundOwner(_ component: Component, _ interface: String) throws -> String? {
        try component.bindingController.lookup(interface)?.owner.name
    }

    // MARK: Definitions found on the search path

    @Test func primitiveInAPackageFolderLoadsWithItsInterfacesContentAndAttributes() async throws {
        let plan = try cleanPlan("basic.Greeter")
        #expect(plan.name == "Greeter")
        #expect(plan.definition == "basic.Greeter")
        #expect(plan.contentClass == "vadl.GreeterImpl")
        #expect(!plan.isComposite)

        let component = try load("basic.Greeter")
        #expect(component.name == "Greeter")
        #expect(!component.isComposite)
        #expect(component.contentClassName == "vadl.GreeterImpl")
        #expect(component.type.interfaceTypes == [InterfaceType(name: "g", signature: "vadl.Greeter", role: .server)])
        #expect(try attribute(component, "prefix") == "hi ")
        #expect(try component.attributeController.value("rate", as: Int.self) == 0)
        #expect(component.lifeCycleController.state == .stopped)
        #expect(try await greet(component, "bob") == "hi bob#0")
    }

    // MARK: extends

    @Test func threeLevelExtendsOverridesAnInterfaceAndAnAttributeAndKeepsTheRest() throws {
        // ext.A extends ext.B extends ext.C: C declares g, aux (mandatory), prefix=C, rate=1, label=fromC;
        // B sets rate=2; A makes aux optional and sets prefix=A.
        let plan = try cleanPlan("ext.A")
        #expect(plan.interfaces.map(\.type.name) == ["g", "aux"])
        #expect(plan.contentClass == "vadl.GreeterImpl")
        #expect(plan.controller == "primitive")

        let component = try load("ext.A")
        #expect(component.type.interfaceType(named: "aux")?.contingency == .optional)
        #expect(component.type.interfaceType(named: "g")?.contingency == .mandatory)
        #expect(try attribute(component, "prefix") == "A")
        #expect(try component.attributeController.value("rate", as: Int.self) == 2)
        #expect(try attribute(component, "label") == "fromC")

        // The middle of the chain on its own: B's override, C's everything else.
        let middle = try load("ext.B")
        #expect(middle.type.interfaceType(named: "aux")?.contingency == .mandatory)
        #expect(try attribute(middle, "prefix") == "C")
        #expect(try middle.attributeController.value("rate", as: Int.self) == 2)
    }

    @Test func threeLevelExtendsOverridesABindingByItsClient() async throws {
        // CompC binds this.g → one.g; CompB adds component two; CompA rebinds this.g → two.g.
        let plan = try cleanPlan("ext.CompA")
        #expect(plan.children.map(\.name) == ["one", "two"])
        #expect(plan.bindings.map { "\($0.client)->\($0.server)" } == ["this.g->two.g"])

        let component = try load("ext.CompA")
        #expect(try component.contentController.subComponents.map(\.name) == ["one", "two"])
        #expect(try boundOwner(component, "g") == "two")
        #expect(try attribute(sub(component, "two"), "prefix") == "two:")
        #expect(try await greet(component) == "two:x#0")

        // Without the override the binding of CompC stands.
        let base = try load("ext.CompC")
        #expect(try boundOwner(base, "g") == "one")
    }

    @Test func multipleExtendsMergeByKeyWithTheLaterParentAndTheExtendingDefinitionWinning() throws {
        // X: g, aux (mandatory), prefix=X, rate=1, label=onlyX.  Y: aux optional, prefix=Y, rate=2.
        // XY extends "multi.X, multi.Y" and sets rate=3.
        let plan = try cleanPlan("multi.XY")
        #expect(plan.interfaces.map(\.type.name) == ["g", "aux"])
        #expect(plan.attributes.map(\.name).sorted() == ["label", "prefix", "rate"])

        let component = try load("multi.XY")
        #expect(component.type.interfaceTypes.count == 2)
        #expect(component.type.interfaceType(named: "aux")?.contingency == .optional)  // Y over X
        #expect(try attribute(component, "prefix") == "Y")                                // Y over X
        #expect(try component.attributeController.value("rate", as: Int.self) == 3)     // XY over both
        #expect(try attribute(component, "label") == "onlyX")                            // X alone
        #expect(component.contentClassName == "vadl.GreeterImpl")                        // X alone
    }

    @Test func aParentListMayPassArgumentsAndTheLaterParentWins() throws {
        // extends="multi.Y, args.Tunable(wa, 5)": Tunable (later) wins over Y for prefix and rate;
        // Y alone gives the optional aux and the controller.
        let plan = try cleanPlan("multi.WithArguments")
        #expect(Set(plan.interfaces.map(\.type.name)) == ["g", "aux"])
        #expect(plan.controller == "primitive")

        let component = try load("multi.WithArguments")
        #expect(try attribute(component, "prefix") == "wa")
        #expect(try component.attributeController.value("rate", as: Int.self) == 5)
        #expect(component.type.interfaceType(named: "aux")?.contingency == .optional)
    }

    // MARK: Arguments

    @Test func argumentDefaultsApplyWhenNothingIsPassed() throws {
        let component = try load("args.Tunable")
        #expect(try attribute(component, "prefix") == "dflt")
        #expect(try component.attributeController.value("rate", as: Int.self) == 7)
    }

    @Test func positionalArgumentsFillTheDeclaredArgumentsInOrder() throws {
        let plan = try cleanPlan("args.Positional")
        #expect(try childPlan(plan, "t").definition == "args.Tunable")
        #expect(try childPlan(plan, "t").attributes.map(\.value) == ["pos", "11"])

        let t = try sub(load("args.Positional"), "t")
        #expect(try attribute(t, "prefix") == "pos")
        #expect(try t.attributeController.value("rate", as: Int.self) == 11)
    }

    @Test func namedArgumentsSetOnlyWhatTheyNameInReferencesAndInTheTarget() throws {
        let t = try sub(load("args.Named"), "t")
        #expect(try t.attributeController.value("rate", as: Int.self) == 12)
        #expect(try attribute(t, "prefix") == "dflt")

        // The target itself may carry named arguments.
        let top = try load("args.Tunable(prefix=>top,rate=>13)")
        #expect(try attribute(top, "prefix") == "top")
        #expect(try top.attributeController.value("rate", as: Int.self) == 13)
    }

    @Test func theLaunchContextGivesAnArgumentWithoutDefaultAndUndeclaredSubstitutions() throws {
        // label is declared without a default; deployment is not declared at all.
        let component = try load("args.NeedsLabel", context: ["label": "ctx", "deployment": "prod"])
        #expect(try attribute(component, "label") == "ctx")
        #expect(try attribute(component, "prefix") == "[prod]")
    }

    @Test func theLaunchContextOverridesDefaultsButNotPassedValues() throws {
        let tunable = try load("args.Tunable", context: ["rate": "21"])
        #expect(try tunable.attributeController.value("rate", as: Int.self) == 21)
        #expect(try attribute(tunable, "prefix") == "dflt")

        // args.Named passes rate=>12: that beats the context; prefix is not passed: the context beats its default.
        let t = try sub(load("args.Named", context: ["rate": "99", "prefix": "ctx-"]), "t")
        #expect(try t.attributeController.value("rate", as: Int.self) == 12)
        #expect(try attribute(t, "prefix") == "ctx-")
    }

    @Test func valuesWithCommasArrowsParenthesesAndQuotesPassThroughReferences() throws {
        let tricky = " a, (b)=>c 'd' "
        let plan = try cleanPlan("args.Quoted", context: ["text": tricky])
        #expect(try childPlan(plan, "passed").attributes.map(\.value) == [tricky, "3"])
        #expect(try childPlan(plan, "written").attributes.map(\.value) == ["x, (y)=>z", "4"])
        #expect(try childPlan(plan, "inside").attributes.map(\.value) == ["[\(tricky)]", "7"])
        #expect(try childPlan(plan, "apostrophe").attributes.map(\.value) == ["it's", "5"])
        // Loaded, the content gets the same strings.
        let passed = try sub(load("args.Quoted", context: ["text": tricky]), "passed")
        #expect(try attribute(passed, "prefix") == tricky)
        // The default, with its `<` from the XML.
        #expect(try childPlan(cleanPlan("args.Quoted"), "passed").attributes.first?.value == "a<b")
    }

    @Test func argumentsArePassedThroughExtends() throws {
        // args.Derived arguments="rate=5" extends="args.Base(rate=>${rate})"; Base has no default.
        let derived = try load("args.Derived")
        #expect(try derived.attributeController.value("rate", as: Int.self) == 5)
        #expect(try attribute(derived, "prefix") == "base")
        #expect(try attribute(derived, "label") == "derived")

        let fromContext = try load("args.Derived", context: ["rate": "8"])
        #expect(try fromContext.attributeController.value("rate", as: Int.self) == 8)

        let d = try sub(load("args.UsesDerived"), "d")
        #expect(try d.attributeController.value("rate", as: Int.self) == 9)
        #expect(try childPlan(cleanPlan("args.UsesDerived"), "d").definition == "args.Derived")
    }

    // MARK: Sub-components

    @Test func inlineAndReferencedSubComponentsAreBuiltAndBound() async throws {
        let plan = try cleanPlan("comp.Mixed")
        #expect(try childPlan(plan, "relay").definition == nil)
        #expect(try childPlan(plan, "relay").contentClass == "vadl.RelayImpl")
        #expect(try childPlan(plan, "target").definition == "basic.Greeter")

        let component = try load("comp.Mixed")
        #expect(component.isComposite)
        let relay = try sub(component, "relay")
        let target = try sub(component, "target")
        #expect(try component.contentController.subComponents.map(\.name) == ["relay", "target"])
        #expect(Set(relay.type.interfaceTypes.map(\.name)) == ["g", "next"])
        #expect(try attribute(relay, "tag") == "inline")
        #expect(try relay.bindingController.lookup("next")?.owner === target)
        #expect(try relay.bindingController.lookup("next")?.name == "g")
        #expect(try component.bindingController.lookup("g")?.owner === relay)
        #expect(try await greet(component) == "inline(hi x#0)")
    }

    @Test func aReferencedDefinitionTakesInlineOverridesFromItsComponentElement() async throws {
        // shop.Store sets prefix "store ", rate 1, label "shop"; the component element overrides
        // prefix and rate and adds an optional interface.
        let plan = try cleanPlan("comp.Override")
        let storePlan = try childPlan(plan, "store")
        #expect(storePlan.definition == "shop.Store")
        #expect(storePlan.interfaces.map(\.type.name) == ["g", "extra"])

        let store = try sub(load("comp.Override"), "store")
        #expect(try attribute(store, "prefix") == "over ")
        #expect(try store.attributeController.value("rate", as: Int.self) == 4)
        #expect(try attribute(store, "label") == "shop")
        #expect(store.type.interfaceType(named: "extra")?.contingency == .optional)
        #expect(try await greet(load("comp.Override")) == "over x#4")
    }

    @Test func aSharedComponentIsOneComponentWithBothParents() async throws {
        let plan = try cleanPlan("shared.Shared")
        let cPlan = try childPlan(plan, "c")
        #expect(cPlan.children.contains { child in
            if case .shared(let name, let path, _) = child { return name == "b" && path == "./a/b" }
            return false
        })

        let component = try load("shared.Shared")
        let a = try sub(component, "a")
        let c = try sub(component, "c")
        let bInA = try sub(a, "b")
        let bInC = try sub(c, "b")
        #expect(bInA === bInC)
        #expect(bInA.superController.parents.map(\.name) == ["a", "c"])
        #expect(bInA.superController.parents[0] === a)
        #expect(bInA.superController.parents[1] === c)
        #expect(try component.contentController.subComponents.map(\.name) == ["a", "c"])
        #expect(try c.bindingController.lookup("g")?.owner === bInA)
        #expect(try a.bindingController.lookup("g")?.owner === bInA)
        #expect(try await greet(component) == "hi x#0")
    }

    @Test func aSharedPathMayStartWithASlash() async throws {
        let component = try load("shared.Rooted")
        let b = try sub(sub(component, "a"), "b")
        #expect(try sub(sub(component, "c"), "b") === b)
        #expect(b.superController.parents.map(\.name) == ["a", "c"])
        #expect(try await greet(component) == "hi x#0")
    }

    @Test func aSharedComponentMayBeReferencedBeforeTheComponentThatOwnsIt() async throws {
        // shared.Early lists c (which shares ./a/b) before a.
        let component = try load("shared.Early")
        let a = try sub(component, "a")
        let c = try sub(component, "c")
        let b = try sub(a, "b")
        #expect(try sub(c, "b") === b)
        #expect(Set(b.superController.parents.map(\.name)) == ["a", "c"])
        #expect(try attribute(b, "prefix") == "store ")
        #expect(try await greet(component) == "store x#1")

        // And it is written back so that it loads to the same architecture.
        let folder = try ValidFixtures.temporaryFolder("early")
        defer { try? FileManager.default.removeItem(at: folder) }
        let xml = ADLExporter.xml(of: component)
        try xml.write(to: folder.appendingPathComponent("Early.fractal"), atomically: true, encoding: .utf8)
        let reloaded = try ADL.load("Early", searchPath: [folder.path], registry: registry)
        #expect(reloaded.snapshot() == component.snapshot(), "\(xml)")
    }

    @Test func aSubComponentOfAReferencedCompositeIsOverriddenFromOutside() async throws {
        // comp.Nested: component inner = ext.CompA, whose sub-component two gets new attributes.
        let plan = try cleanPlan("comp.Nested")
        let inner = try childPlan(plan, "inner")
        #expect(inner.definition == "ext.CompA")
        let twoPlan = try childPlan(inner, "two")
        #expect(twoPlan.definition == "basic.Greeter")
        #expect(twoPlan.contentClass == "vadl.GreeterImpl")

        let component = try load("comp.Nested")
        let innerComponent = try sub(component, "inner")
        let two = try sub(innerComponent, "two")
        #expect(try attribute(two, "prefix") == "nested:")
        #expect(try two.attributeController.value("rate", as: Int.self) == 6)
        #expect(try attribute(sub(innerComponent, "one"), "prefix") == "hi ")
        #expect(try boundOwner(innerComponent, "g") == "two")
        #expect(try await greet(component) == "nested:x#6")
    }

    // MARK: Collections and multicast

    @Test func aCollectionInterfaceIsBoundMemberByMember() async throws {
        let component = try load("coll.Collection")
        let fan = try sub(component, "fan")
        #expect(try boundOwner(fan, "clients0") == "one")
        #expect(try boundOwner(fan, "clients1") == "two")
        #expect(fan.bindingController.list().contains("clients0"))
        #expect(fan.bindingController.list().contains("clients1"))
        #expect(fan.type.interfaceType(named: "clients")?.cardinality == .collection)
        #expect(try await greet(component) == "clients0=1:x#0,clients1=2:x#0")
    }

    @Test func aMulticastClientBoundToSeveralServersFansCallsOut() async throws {
        let plan = try cleanPlan("coll.Multicast")
        #expect(plan.bindings.filter { $0.client == "caster.cast" }.map(\.server) == ["one.g", "two.g", "three.g"])

        let component = try load("coll.Multicast")
        let caster = try sub(component, "caster")
        #expect(try caster.bindingController.lookupAll("cast").map(\.owner.name) == ["one", "two", "three"])
        #expect(caster.type.interfaceType(named: "cast")?.cardinality == .multicast)
        #expect(try await greet(component) == "1:x#0,2:x#0,3:x#0")
    }

    // MARK: Other dialects and encodings

    @Test func theGCMAdditionsParseWithoutDiagnostics() throws {
        let plan = try cleanPlan("gcm.Grid")
        #expect(plan.virtualNode == "Grid")
        #expect(plan.virtualNodeCardinality == "single")
        let monitor = try #require(plan.interfaces.first { $0.type.name == "monitor" })
        #expect(monitor.isControl)
        #expect(monitor.type.role == .client)
        let worker = try childPlan(plan, "worker")
        #expect(worker.virtualNode == "Workers")
        #expect(worker.virtualNodeCardinality == "multiple")
        #expect(worker.controller == "primitive")

        let component = try load("gcm.Grid")
        // The membrane interface is not a functional interface of the component.
        #expect(component.type.interfaceTypes.map(\.name) == ["g"])
        #expect(try attribute(sub(component, "worker"), "label") == "w")
    }

    @Test(arguments: [("legacy.Standard", ["runner", "greeter"]), ("legacy.ProActive", ["worker"])])
    func fractalADLWithTheFractalDoctypeLoadsWithoutDiagnostics(_ name: String, children: [String]) throws {
        let plan = try cleanPlan(name)
        #expect(plan.isComposite)
        let component = try load(name)
        #expect(component.isComposite)
        #expect(try component.contentController.subComponents.map(\.name) == children)
    }

    @Test func theDoctypeSystemIdentifierIsNeverFetched() throws {
        // A DOCTYPE naming a DTD that is readable, but not a DTD at all: reading it would fail.
        let folder = try ValidFixtures.temporaryFolder("doctype")
        defer { try? FileManager.default.removeItem(at: folder) }
        let dtd = folder.appendingPathComponent("poison.dtd")
        try Data("<!ELEMENT definition (((( this is not a DTD\n<!ENTITY".utf8).write(to: dtd)
        let file = folder.appendingPathComponent("Probe.fractal")
        try Data("""
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE definition SYSTEM "\(dtd.absoluteString)">
            <definition name="Probe">
              <interface name="g" role="server" signature="vadl.Greeter"/>
              <content class="vadl.GreeterImpl"/>
            </definition>

            """.utf8).write(to: file)
        let report = ADL.check(file.path, searchPath: searchPath, registry: registry)
        #expect(report.diagnostics.isEmpty, "\(report.diagnostics.map(\.description))")
        #expect(report.plan?.contentClass == "vadl.GreeterImpl")
        #expect(try ADL.load(file.path, searchPath: searchPath, registry: registry).name == "Probe")
    }

    @Test func anISO88591FileYieldsTheRightStrings() throws {
        // The fixture really is Latin-1: ü is the single byte 0xFC, not UTF-8's C3 BC.
        let bytes = try #require(FileManager.default.contents(atPath: ValidFixtures.folder + "/latin/Umlaut.fractal"))
        #expect(bytes.contains(0xFC) && bytes.contains(0xDF))
        #expect(!bytes.contains(0xC3))

        let component = try load("latin.Umlaut")
        #expect(try attribute(component, "prefix") == "Grüße, ")
        #expect(try attribute(component, "label") == "naïve café")

        // The same, written here from Swift as Latin-1 bytes.
        let folder = try ValidFixtures.temporaryFolder("latin1")
        defer { try? FileManager.default.removeItem(at: folder) }
        let text = """
            <?xml version="1.0" encoding="ISO-8859-1"?>
            <definition name="Latin">
              <interface name="g" role="server" signature="vadl.Greeter"/>
              <content class="vadl.GreeterImpl"/>
              <attributes>
                <attribute name="label" value="Grüße aus Köln, ½ Maß"/>
              </attributes>
            </definition>

            """
        let latin1 = try #require(text.data(using: .isoLatin1))
        #expect(latin1.count == text.unicodeScalars.count)  // one byte per character
        try latin1.write(to: folder.appendingPathComponent("Latin.fractal"))
        let report = ADL.check("Latin", searchPath: [folder.path], registry: registry)
        #expect(report.diagnostics.isEmpty, "\(report.diagnostics.map(\.description))")
        #expect(report.plan?.attributes.first?.value == "Grüße aus Köln, ½ Maß")
        let latin = try ADL.load("Latin", searchPath: [folder.path], registry: registry)
        #expect(try attribute(latin, "label") == "Grüße aus Köln, ½ Maß")
    }

    @Test func javaLangRunnableIsTheRunnableSignature() async throws {
        let plan = try cleanPlan("run.App")
        #expect(plan.interfaces.map(\.type.signature) == ["java.lang.Runnable"])

        let component = try load("run.App")
        #expect(try component.interface(named: "r").type.signature == "java.lang.Runnable")
        let runner = try sub(component, "runner")
        try await component.lifeCycleController.start()
        try await component.interface(named: "r").callable(as: (any Runnable).self).run()
        try await component.lifeCycleController.stop()
        let content = try #require(runner.content as? VRunnerImpl)
        #expect(content.answers.withLock { $0 } == ["hi run#0"])
    }

    @Test func childrenMayComeInAnyOrder() async throws {
        let plan = try cleanPlan("order.AnyOrder")
        #expect(plan.children.map(\.name) == ["relay", "target"])
        let component = try load("order.AnyOrder")
        #expect(try attribute(sub(component, "relay"), "tag") == "ordered")
        #expect(try await greet(component) == "ordered(hi x#0)")
    }

    @Test func everyValidFixtureChecksWithoutDiagnosticsWithAndWithoutTypes() throws {
        let names = try ValidFixtures.definitionNames()
        #expect(names.count >= 25, "fixtures found: \(names)")
        // Values for the arguments some fixtures declare without defaults.
        let context = ["label": "ctx", "deployment": "test", "rate": "3"]
        // multi.Y is a mixin: a primitive without content, complete only under multi.XY.
        let mixins: Set<String> = ["multi.Y"]
        #expect(mixins.isSubset(of: names))
        for name in names {
            let full = ADL.check(name, searchPath: searchPath, context: context, registry: registry)
            if mixins.contains(name) {
                #expect(!full.errors.isEmpty, "\(name) alone has no content, yet checks clean")
            } else {
                #expect(full.diagnostics.isEmpty, "\(name): \(full.diagnostics.map(\.description))")
            }
            #expect(full.plan != nil, "\(name): no plan")
            // Structure only, with an empty registry: nothing is looked up, nothing is wrong.
            let structure = ADL.check(name, searchPath: searchPath, context: context, registry: Registry(), structureOnly: true)
            #expect(structure.diagnostics.isEmpty, "\(name) (structure only): \(structure.diagnostics.map(\.description))")
        }
    }

    // MARK: Export

    @Test func aLargerArchitectureSurvivesExportAndReload() async throws {
        // trip.Big extends trip.Base; front shares back/one and back/two, binds a collection
        // member by member and a multicast to both.
        let original = try load("trip.Big")
        let front = try sub(original, "front")
        let back = try sub(original, "back")
        let one = try sub(back, "one")
        #expect(try sub(front, "one") === one)
        #expect(one.superController.parents.map(\.name) == ["back", "front"])

        let xml = ADLExporter.xml(of: original)
        #expect(xml.contains(#"definition="./back/one""#), "\(xml)")
        #expect(xml.contains(#"definition="./back/two""#), "\(xml)")
        #expect(xml.contains(#"<binding client="coll.clients0" server="one.g"/>"#), "\(xml)")
        #expect(xml.contains(#"<binding client="coll.clients1" server="two.g"/>"#), "\(xml)")
        #expect(xml.components(separatedBy: #"<binding client="caster.cast""#).count - 1 == 2, "\(xml)")

        let folder = try ValidFixtures.temporaryFolder("roundtrip")
        defer { try? FileManager.default.removeItem(at: folder) }
        try xml.write(to: folder.appendingPathComponent("Big.fractal"), atomically: true, encoding: .utf8)
        let report = ADL.check("Big", searchPath: [folder.path], registry: registry)
        #expect(report.diagnostics.isEmpty, "\(report.diagnostics.map(\.description))\n\(xml)")
        let reloaded = try ADL.load("Big", searchPath: [folder.path], registry: registry)
        #expect(reloaded.snapshot() == original.snapshot())
        #expect(ADLExporter.xml(of: reloaded) == xml)

        let reloadedOne = try sub(sub(reloaded, "back"), "one")
        #expect(try sub(sub(reloaded, "front"), "one") === reloadedOne)
        #expect(try await greet(reloaded) == "clients0=1:x#0,clients1=store x#1")
    }

    @Test func dotOutputNamesEveryComponentAndBinding() throws {
        let component = try load("trip.Big")
        let dot = DOTExporter.dot(of: component)
        #expect(dot.hasPrefix("digraph \"Big\" {"))
        #expect(dot.hasSuffix("}\n"))

        var all: [Component] = []
        func walk(_ current: Component) {
            guard !all.contains(where: { $0 === current }) else { return }
            all.append(current)
            for child in (try? current.contentController.subComponents) ?? [] { walk(child) }
        }
        walk(component)
        #expect(Set(all.map(\.name)) == ["Big", "back", "one", "two", "front", "coll", "caster"])
        for member in all {
            #expect(dot.contains("\"\(member.path)\""), "\(member.path) missing from:\n\(dot)")
            #expect(dot.contains(member.name), "\(member.name) missing from:\n\(dot)")
        }

        let bindings = [
            "this.g → front.g",                                              // Big
            "this.g → one.g",                                                // back
            "this.g → coll.g", "coll.clients0 → one.g", "coll.clients1 → two.g",
            "caster.cast → one.g", "caster.cast → two.g",                    // front
        ]
        for binding in bindings {
            #expect(dot.contains("[label=\"\(binding)\"]"), "\(binding) missing from:\n\(dot)")
        }
        let edges = dot.split(separator: "\n").filter { $0.contains(" -> ") }
        #expect(edges.count == bindings.count, "\(edges)")
        // The overridden binding of trip.Base (this.g → back.g) is gone.
        #expect(!dot.contains("this.g → back.g"))
    }
}
