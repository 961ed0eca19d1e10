import Fractal
import Foundation
import Testing

@Suite struct NameAndIntrospectionTests {
    // MARK: Names and paths

    @Test func nameControllerRenamesAndThePathFollows() throws {
        let outer = try World.composite("outer")
        let (inner, _) = try World.server("inner")
        try outer.contentController.add(inner)
        #expect(inner.nameController.name == "inner")

        inner.nameController.setName("renamed")
        #expect(inner.nameController.name == "renamed")
        #expect(inner.name == "renamed")
        #expect(inner.path == "/outer/renamed")
    }

    @Test func renamingACompositeChangesThePathsBelowIt() throws {
        let outer = try World.composite("outer")
        let middle = try World.composite("middle")
        let (leaf, _) = try World.server("leaf")
        try outer.contentController.add(middle)
        try middle.contentController.add(leaf)

        outer.nameController.setName("top")
        #expect(outer.path == "/top")
        #expect(middle.path == "/top/middle")
        #expect(leaf.path == "/top/middle/leaf")
    }

    @Test func pathOfNestedComponents() throws {
        let a = try World.composite("a")
        let b = try World.composite("b")
        let (c, _) = try World.server("c")
        try a.contentController.add(b)
        try b.contentController.add(c)
        #expect(a.path == "/a")
        #expect(b.path == "/a/b")
        #expect(c.path == "/a/b/c")
        #expect(c.snapshot().path == "/a/b/c")
    }

    @Test func topLevelSuperControllerIsEmpty() throws {
        let (server, _) = try World.server("alone")
        let composite = try World.composite("top")
        #expect(server.superController.parents.isEmpty)
        #expect(composite.superController.parents.isEmpty)
        #expect(server.snapshot().parents.isEmpty)
    }

    @Test func superControllerListsEveryParentOfASharedComponentInOrder() throws {
        let zeta = try World.composite("zeta")
        let alpha = try World.composite("alpha")
        let (shared, _) = try World.server("shared")
        try zeta.contentController.add(shared)
        try alpha.contentController.add(shared)

        let parents = shared.superController.parents
        #expect(parents.count == 2)
        #expect(parents.first === zeta)
        #expect(parents.last === alpha)
        #expect(shared.path == "/zeta/shared")
        #expect(shared.snapshot().parents == ["/zeta", "/alpha"])
    }

    // MARK: Snapshots

    @Test func snapshotListsStatesBindingsAttributesContentTypeAndSubComponents() async throws {
        let app = try exportingApp("app")
        let before = app.snapshot()
        #expect(before.state == .stopped)
        #expect(before.subComponents.allSatisfy { $0.state == .stopped })

        try await app.lifeCycleController.start()
        let snapshot = app.snapshot()
        #expect(snapshot.name == "app")
        #expect(snapshot.path == "/app")
        #expect(snapshot.kind == .composite)
        #expect(snapshot.state == .started)
        #expect(snapshot.contentType == nil)
        #expect(snapshot.attributes.isEmpty)
        #expect(snapshot.parents.isEmpty)
        #expect(snapshot.interfaces.first { $0.name == "m" }?.boundTo == ["/app/client#m"])
        #expect(snapshot.subComponents.map(\.name) == ["client", "server"])

        let client = try #require(snapshot.subComponents.first { $0.name == "client" })
        #expect(client.path == "/app/client")
        #expect(client.kind == .primitive)
        #expect(client.state == .started)
        #expect(client.contentType == "EchoClient")
        #expect(client.parents == ["/app"])
        #expect(client.interfaces.map(\.name).sorted() == ["m", "s"])
        #expect(client.interfaces.first { $0.name == "s" }?.boundTo == ["/app/server#s"])
        #expect(client.interfaces.first { $0.name == "s" }?.type == World.clientType())
        #expect(client.interfaces.first { $0.name == "m" }?.boundTo == [])
        #expect(client.subComponents.isEmpty)

        let server = try #require(snapshot.subComponents.first { $0.name == "server" })
        #expect(server.state == .started)
        #expect(server.contentType == "EchoServer")
        #expect(server.interfaces.map(\.name) == ["s"])
        #expect(server.attributes.map(\.name)
            == ["delay", "prefix", "flag", "small", "wide", "unsigned", "ratio", "single"])
        #expect(server.attributes.contains { $0.name == "prefix" && $0.typeName == "String" && $0.value == ">" })
        #expect(server.attributes.contains { $0.name == "delay" && $0.typeName == "Int" && $0.value == "5" })
        #expect(server.attributes.contains { $0.name == "flag" && $0.typeName == "Bool" && $0.value == "true" })
    }

    @Test func snapshotBindingsFollowARenamedServer() throws {
        let app = try exportingApp("renamedApp")
        let server = try #require(try app.contentController.subComponents.first { $0.name == "server" })
        server.nameController.setName("backend")

        let client = try #require(app.snapshot().subComponents.first { $0.name == "client" })
        #expect(client.interfaces.first { $0.name == "s" }?.boundTo == ["/renamedApp/backend#s"])
    }

    @Test func snapshotIsCodable() async throws {
        let app = try exportingApp("codableApp")
        try await app.lifeCycleController.start()
        let snapshot = app.snapshot()

        let data = try JSONEncoder().encode(snapshot)
        let decoded = try JSONDecoder().decode(ComponentSnapshot.self, from: data)
        #expect(decoded == snapshot)
        #expect(decoded.subComponents.count == 2)
    }

    // MARK: Architecture tree

    @Test func architectureTreeShowsCompositeChildrenBindingsExportsAndAttributes() async throws {
        let app = try exportingApp("tree")
        try await app.lifeCycleController.start()
        let tree = app.architectureTree()
        let lines = tree.split(separator: "\n").map(String.init)

        #expect(lines.first == "tree  composite STARTED", "\(tree)")
        #expect(lines.contains { $0.hasPrefix("├─ client  primitive EchoClient STARTED") }, "\(tree)")
        #expect(lines.contains { $0.hasPrefix("└─ server  primitive EchoServer STARTED") }, "\(tree)")
        #expect(details(lines).contains("m: server test.Main ⇐ client.m"), "\(tree)")
        #expect(details(lines).contains("s: client test.Service → server.s"), "\(tree)")
        #expect(details(lines).contains("s: server test.Service"), "\(tree)")
        #expect(details(lines).contains("@prefix = \">\""), "\(tree)")
        #expect(details(lines).contains("@delay = 5"), "\(tree)")
        #expect(details(lines).contains("@flag = true"), "\(tree)")
        // The client's lines come before the server's: children are listed in order.
        let clientLine = try #require(lines.firstIndex { $0.contains("client  primitive") })
        let serverLine = try #require(lines.firstIndex { $0.contains("server  primitive") })
        #expect(clientLine < serverLine)
    }

    @Test func architectureTreeMarksSharedComponents() throws {
        let first = try World.composite("first")
        let second = try World.composite("second")
        let (shared, _) = try World.server("common")
        try first.contentController.add(shared)
        try second.contentController.add(shared)

        let tree = first.architectureTree()
        let line = try #require(tree.split(separator: "\n").first { $0.contains("common  primitive") }, "\(tree)")
        #expect(line.hasPrefix("└─ "), "\(tree)")
        #expect(line.contains("(shared: /first, /second)"), "\(tree)")
        #expect(second.architectureTree().contains("(shared: /first, /second)"))

        let (alone, _) = try World.server("alone")
        try first.contentController.add(alone)
        #expect(!first.architectureTree().split(separator: "\n").contains { $0.contains("alone") && $0.contains("shared") })
    }
}

// MARK: - Helpers of this file

/// A composite `name` exporting `m` from `client.m`, with client.s → server.s, and the server's
/// `prefix`, `delay` and `flag` attributes set.
private func exportingApp(_ name: String) throws -> Component {
    let app = try World.composite(name, [World.mainType("m")])
    let (client, server, _) = try World.boundPair(in: app)
    try app.bindingController.bind("m", to: client.interface(named: "m"))
    let attributes = try server.attributeController
    try attributes.set("prefix", ">")
    try attributes.set("delay", 5)
    try attributes.set("flag", true)
    return app
}

/// The tree's lines without their tree glyphs and indentation.
private func details(_ lines: [String]) -> [String] {
    lines.map { line in String(line.drop { $0 == " " || $0 == "│" || $0 == "├" || $0 == "└" || $0 == "─" }) }
}
