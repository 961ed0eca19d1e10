import Fractal
import Testing

@Suite struct ContentTests {
    @Test func addingASubComponentMakesTheCompositeItsParent() throws {
        let parent = try World.composite("parent")
        let (child, _) = try World.server("child")
        try parent.contentController.add(child)
        #expect(try parent.contentController.subComponents == [child])
        #expect(child.superController.parents == [parent])
        #expect(child.path == "/parent/child")
    }

    @Test func addingAComponentTwiceIsRefused() throws {
        let parent = try World.composite("parent")
        let (child, _) = try World.server("child")
        try parent.contentController.add(child)
        expectFractalError(.alreadyAdded, naming: ["/parent", "child"]) {
            try parent.contentController.add(child)
        }
    }

    @Test func addingACompositeToItselfIsRefused() throws {
        let parent = try World.composite("selfish")
        expectFractalError(.addToItself, naming: ["/selfish"]) {
            try parent.contentController.add(parent)
        }
    }

    @Test func addingThatWouldMakeACycleIsRefused() throws {
        let outer = try World.composite("outer")
        let inner = try World.composite("inner")
        try outer.contentController.add(inner)
        expectFractalError(.cycle, naming: ["outer", "inner"]) {
            try inner.contentController.add(outer)
        }
    }

    @Test func addingThatWouldMakeADeepCycleIsRefused() throws {
        let a = try World.composite("a")
        let b = try World.composite("b")
        let c = try World.composite("c")
        try a.contentController.add(b)
        try b.contentController.add(c)
        expectFractalError(.cycle, naming: ["a"]) {
            try c.contentController.add(a)
        }
    }

    @Test func removingAComponentThatIsNotASubComponentIsRefused() throws {
        let parent = try World.composite("parent")
        let (stranger, _) = try World.server("stranger")
        expectFractalError(.notASubComponent, naming: ["/parent", "stranger"]) {
            try parent.contentController.remove(stranger)
        }
    }

    @Test func removingABoundSubComponentIsRefused() throws {
        let parent = try World.composite("parent")
        let (_, server, _) = try World.boundPair(in: parent)
        expectFractalError(.subComponentStillBound, naming: ["/parent", "server", "client.s"]) {
            try parent.contentController.remove(server)
        }
    }

    @Test func removingASubComponentWhoseClientIsBoundIsRefused() throws {
        let parent = try World.composite("parent")
        let (client, _, _) = try World.boundPair(in: parent)
        expectFractalError(.subComponentStillBound, naming: ["client"]) {
            try parent.contentController.remove(client)
        }
    }

    @Test func removingAnExportedSubComponentIsRefused() throws {
        let parent = try World.composite("parent", [World.serverType("s")])
        let (server, _) = try World.server("exported")
        try parent.contentController.add(server)
        try parent.bindingController.bind("s", to: server.interface(named: "s"))
        expectFractalError(.subComponentStillBound, naming: ["exported", "this.s"]) {
            try parent.contentController.remove(server)
        }
    }

    @Test func removingAnImportingSubComponentIsRefused() throws {
        let parent = try World.composite("parent", [World.clientType("s")])
        let (client, _) = try World.client("importer")
        try parent.contentController.add(client)
        try client.bindingController.bind("s", to: parent.contentController.internalInterface(named: "s"))
        expectFractalError(.subComponentStillBound, naming: ["importer"]) {
            try parent.contentController.remove(client)
        }
    }

    @Test func removingWhileStartedIsRefused() async throws {
        let parent = try World.composite("running")
        let (child, _) = try World.server("child")
        try parent.contentController.add(child)
        try await parent.lifeCycleController.start()
        expectFractalError(.illegalLifeCycleState, naming: ["/running", "child"]) {
            try parent.contentController.remove(child)
        }
    }

    @Test func addingWhileStartedIsRefused() async throws {
        let parent = try World.composite("running")
        try await parent.lifeCycleController.start()
        let (child, _) = try World.server("late")
        expectFractalError(.illegalLifeCycleState, naming: ["/running", "late"]) {
            try parent.contentController.add(child)
        }
    }

    @Test func removingAnUnboundSubComponentForgetsTheParent() throws {
        let parent = try World.composite("parent")
        let (child, _) = try World.server("child")
        try parent.contentController.add(child)
        try parent.contentController.remove(child)
        #expect(try parent.contentController.subComponents.isEmpty)
        #expect(child.superController.parents.isEmpty)
        #expect(child.path == "/child")
    }

    @Test func removingAfterUnbindingSucceeds() throws {
        let parent = try World.composite("parent")
        let (client, server, _) = try World.boundPair(in: parent)
        try client.bindingController.unbind("s")
        try parent.contentController.remove(server)
        #expect(try parent.contentController.subComponents == [client])
    }

    @Test func sharedComponentListsEveryParent() throws {
        let first = try World.composite("first")
        let second = try World.composite("second")
        let (shared, _) = try World.server("shared")
        try first.contentController.add(shared)
        try second.contentController.add(shared)
        #expect(shared.superController.parents == [first, second])
        #expect(try second.contentController.subComponents == [shared])
    }

    @Test func sharedComponentBindsWithSiblingsOfEitherParent() throws {
        let first = try World.composite("first")
        let second = try World.composite("second")
        let (shared, _) = try World.server("shared")
        let (client, _) = try World.client("inSecond")
        try first.contentController.add(shared)
        try second.contentController.add(shared)
        try second.contentController.add(client)
        try client.bindingController.bind("s", to: shared.interface(named: "s"))
        #expect(try client.bindingController.lookup("s")?.owner === shared)
    }
}
