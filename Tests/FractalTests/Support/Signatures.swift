import Fractal

@Interface("test.Service")
protocol Service: Sendable {
    func print(_ message: String) async throws
    func echo(_ value: Int) async throws -> Int
}

/// A sub-signature of Service: servers of it can serve Service clients.
@Interface("test.Special", refining: "test.Service")
protocol Special: Sendable {
    func print(_ message: String) async throws
    func echo(_ value: Int) async throws -> Int
    func shout(_ message: String) async throws -> String
}

@Interface("test.Other")
protocol Other: Sendable {
    func other() async throws -> String
}

@Interface("test.Main")
protocol Main: Sendable {
    func run() async throws -> String
}

/// Values of several shapes, to check what crosses a serialising path.
struct Order: Codable, Sendable, Hashable {
    var id: Int
    var items: [String]
    var total: Double
    var note: String?
}

@Interface("test.Shop")
protocol Shop: Sendable {
    func place(_ order: Order, priority: Bool) async throws -> Order
    func fail(_ reason: String) async throws -> Int
    func nothing() async throws
}

@Interface("test.Gather")
protocol Gather: Sendable {
    func sum(_ value: Int) async throws -> Int
}

/// Never registered: for the errors about unregistered signatures.
@Interface("test.Unregistered")
protocol Unregistered: Sendable {
    func nothing() async throws
}
