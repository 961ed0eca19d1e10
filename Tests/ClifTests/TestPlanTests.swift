import ClifCore
import Foundation
import Testing

@Suite("Test plans (.ctp)")
struct TestPlanTests {
    @Test func aPlanAsCLIFWritesItIsRead() throws {
        // Hash-ordered keys, escapes, CRLF, `local host`, ids that are not their index.
        let text = "#CLIF test plan\r\n#Tue Mar 27 15:14:38 CEST 2012\r\nblade.1.id=sync_default\r\nblade.0.server=local host\r\n"
            + "blade.1.injector=Synchro\r\nblade.0.argument=dummy.xis threads\\=4\r\nblade.1.server=node2\r\nblade.0.id=inj1\r\n"
            + "blade.0.injector=IsacRunner\r\nblade.0.comment=\r\nblade.2.id=cpu\r\nblade.2.probe=cpu\r\nblade.2.server=local host\r\n"
            + "blade.2.argument=1000 60\r\nblade.1.argument=\r\nblade.2.comment=a\\: comment \\= escaped\r\n"
        let plan = try TestPlan.parse(text, file: "dummy.ctp")
        #expect(plan.blades.map(\.id) == ["inj1", "sync_default", "cpu"])
        #expect(plan.blades[0].kind == .injector("IsacRunner"))
        #expect(plan.blades[0].server == TestPlan.localHost)
        #expect(try plan.blades[0].isacArgument() == ("dummy.xis", 4))
        #expect(plan.blades[1].kind == .injector("Synchro"))
        #expect(plan.blades[2].kind == .probe("cpu"))
        #expect(plan.blades[2].comment == "a: comment = escaped")
        #expect(plan.blades[1].locations["server"]?.description == "dummy.ctp:7:1")
        #expect(plan.warnings.isEmpty)
    }

    @Test func writtenPlansReadBackTheSame() throws {
        let plan = TestPlan(blades: [
            .init(index: 0, id: "inj1", server: "local host", kind: .injector("IsacRunner"), argument: "a=b:c.xis", comment: "#1 !"),
            .init(index: 3, id: "mem", server: "n2", kind: .probe("memory"), argument: "500 10"),
        ])
        let read = try TestPlan.parse(plan.text(), file: "x.ctp")
        #expect(read.blades.map { [$0.index.description, $0.id, $0.server, $0.kind.description, $0.argument, $0.comment] }
                == plan.blades.map { [$0.index.description, $0.id, $0.server, $0.kind.description, $0.argument, $0.comment] })
    }

    @Test(arguments: [
        ("blade.0.id=a\nblade.0.server=local host\nblade.0.argument=x.xis\n", "x.ctp:1:1", "has no class"),
        ("blade.0.id=a\nblade.0.server=s\nblade.0.injector=IsacRunner\nblade.1.id=a\nblade.1.server=s\nblade.1.probe=cpu\n", "x.ctp:4:1", "used twice"),
        ("blade.0.server=s\nblade.0.injector=IsacRunner\n", "x.ctp:1:1", "has no id"),
        ("blade.0.id=a\nblade.0.injector=IsacRunner\n", "x.ctp:1:1", "has no server"),
        ("blade.0.id=a\nblade.0.server=s\nblade.0.injector=IsacRunner\nblade.0.probe=cpu\n", "x.ctp:4:1", "both an injector and a probe"),
        ("# only comments\n", "x.ctp:1:1", "no blade"),
    ])
    func badPlansGiveLocatedErrors(text: String, location: String, message: String) throws {
        do {
            _ = try TestPlan.parse(text, file: "x.ctp")
            Issue.record("no error for \(text)")
        } catch {
            let error = try #require(error.errors.first)
            #expect(error.location?.description == location)
            #expect(error.message.contains(message), "\(error.message)")
        }
    }

    @Test func aServerNoDeploymentNamesIsAnErrorAtItsLine() throws {
        let plan = try TestPlan.parse("blade.0.id=a\r\nblade.0.injector=IsacRunner\r\nblade.0.server=far\r\nblade.1.id=b\r\nblade.1.probe=cpu\r\nblade.1.server=local host\r\n", file: "x.ctp")
        let problems = plan.unknownServers(["n1", "n2"])
        #expect(problems.count == 1)
        #expect(problems.first?.location?.description == "x.ctp:3:1")
        #expect(problems.first?.message.contains("'far'") == true)
        #expect(plan.unknownServers(["far"]).isEmpty)
    }

    @Test func unknownKeysAreWarnedNotFatal() throws {
        let plan = try TestPlan.parse("clif.version=2\nblade.0.id=a\nblade.0.server=s\nblade.0.injector=IsacRunner\nblade.0.colour=red\n", file: "x.ctp")
        #expect(plan.blades.count == 1)
        #expect(plan.warnings.map { $0.location?.line } == [1, 5])
    }
}
