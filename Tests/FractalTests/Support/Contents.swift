import Fractal
import Synchronization

/// Serves Service; remembers what it printed; attributes of every kind.
final class EchoServer: Service, Special, Other, LifeCycleAware {
    let printed = Mutex<[String]>([])
    let events = Mutex<[String]>([])
    let delay = Attribute("delay", 0)
    let prefix = Attribute("prefix", "")
    let flag = Attribute("flag", false)
    let small = Attribute("small", Int8(0))
    let wide = Attribute("wide", Int64(0))
    let unsigned = Attribute("unsigned", UInt16(0))
    let ratio = Attribute("ratio", 0.0)
    let single = Attribute("single", Float(0))

    func print(_ message: String) async throws {
        if delay.value > 0 { try await Task.sleep(for: .milliseconds(delay.value)) }
        printed.withLock { $0.append(prefix.value + message) }
    }

    func echo(_ value: Int) async throws -> Int {
        if delay.value > 0 { try await Task.sleep(for: .milliseconds(delay.value)) }
        return value
    }

    func shout(_ message: String) async throws -> String { message.uppercased() }
    func other() async throws -> String { "other" }

    func started() async throws { events.withLock { $0.append("started") } }
    func stopped() async { events.withLock { $0.append("stopped") } }
}

/// Serves Main by calling the Service it is bound to.
final class EchoClient: Main {
    let s = Client<any Service>("s")

    func run() async throws -> String {
        try await s().print("hello")
        return "ran"
    }
}

/// A client with an optional and a collection client interface.
final class FanClient: Main {
    let s = Client<any Service>("s")
    let many = ClientCollection<any Service>("many")
    let cast = Multicast<any Service>("cast")

    func run() async throws -> String {
        var total = 0
        for (_, server) in many.members { total += try await server.echo(1) }
        return "\(total)"
    }
}

/// Content that implements nothing useful.
final class Inert: Sendable {}

struct ShopError: Error, CustomStringConvertible {
    var reason: String
    var description: String { "shop refused: \(reason)" }
}

final class ShopImpl: Shop {
    func place(_ order: Order, priority: Bool) async throws -> Order {
        var placed = order
        placed.total = order.total * (priority ? 2 : 1)
        placed.note = "placed"
        return placed
    }
    func fail(_ reason: String) async throws -> Int { throw ShopError(reason: reason) }
    func nothing() async throws {}
}

/// Sums the values of all gathered calls and returns the sum to each caller.
final class Summer: GathercastReceiver {
    let rounds = Mutex<[[String]]>([])
    func gather(_ calls: GatheredCalls) async throws -> [any Sendable] {
        rounds.withLock { $0.append(calls.calls.map(\.client)) }
        let sum = try calls.calls.reduce(0) { $0 + (try $1.argument(0, as: Int.self)) }
        return calls.calls.map { _ in sum }
    }
}

/// Returns each caller the sum of the *other* callers' values: a result per client, so a
/// result handed to the wrong client shows.
final class OthersSummer: GathercastReceiver {
    func gather(_ calls: GatheredCalls) async throws -> [any Sendable] {
        let values = try calls.calls.map { try $0.argument(0, as: Int.self) }
        let sum = values.reduce(0, +)
        return values.map { sum - $0 }
    }
}

/// Calls the Gather server it is bound to.
final class GatherClient: Sendable {
    let g = Client<any Gather>("g")
}
