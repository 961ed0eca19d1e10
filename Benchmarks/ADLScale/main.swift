import Fractal
import FractalADL
import Foundation

// How long an architecture of 10,000 primitives takes from ADL files to a started component,
// phase by phase, against the same architecture built directly in Swift code.
//
//   swift build -c release --product ADLScale && .build/release/ADLScale [rounds]
//
// The architecture: a top composite holding 100 sub-composites ("segments"), each holding 100
// primitives bound in a chain (n0.next → n1.in → … → n99.next), with exports: a segment's
// server interface `in` is exported to its n0, its n99 imports through the segment's client
// interface `out`, and the top binds the segments in a ring (s0.out → s1.in … s99.out → s0.in)
// and exports its own `in` to s0. Every primitive has two attributes (a String and an Int).
//
// Two spellings of the same architecture are generated into a temporary folder:
// - "references": one reusable segment definition referenced 100 times with arguments, whose
//   100 primitives each reference one node definition (which extends a type) with arguments:
//   10,100 definition references, 20,200 `${}` substitutions, 4 small files.
// - "files": each segment in its own file, its 100 primitives written inline: 101 files.
//
// Phases, each on a fresh loader (every round re-reads and re-parses the files):
// - parse + resolve: `ADLLoader.resolve` (XML parse, DTD validation, extends, arguments, references);
// - check --structure-only: `ADL.check(…, structureOnly: true)`, what `fractal check --structure-only` does;
// - check, full: `ADL.check(…)`, what `fractal check` does (it also instantiates, without starting);
// - ADL.load: parse → resolve → check → instantiate (components created, attributes set, bound);
// - start, one call around the ring (10,000 calls, one per primitive, each through a binding), stop.
// TOTAL is ADL.load + start: the goal is under 1 s. The baseline builds the same 10,101
// components in Swift code (factory, add, bind, attributes); "ADL / code" compares the two.
// After each round the architecture is checked by introspection (every component, binding and
// attribute) and by the value the call around the ring returns.
//
// Each phase runs `rounds` times (3 by default); the first round includes one-time costs
// (libxml2 and DTD set-up, cold caches). Each phase shows its wall-clock time (first round,
// best round) and the best CPU time of the process (which other programs running on the
// machine disturb less).

/// `public`, though nothing outside uses it: this works around a miscompile of Swift 6.3.1 in
/// release (whole-module) builds. When an internal protocol has a single hand-written conforming
/// type, the optimizer (SILCombine) devirtualizes calls on `any Link` to that type, overlooking
/// the `LinkProxy` struct that `@Interface` generates; `next().ping(…)` in `NodeImpl` then runs
/// NodeImpl's method on a proxy and crashes. A public protocol is never devirtualized that way.
@Interface("bench.Link")
public protocol Link: Sendable {
    /// Walks `hops` bindings down the chain; returns the sum of the weights met.
    func ping(_ hops: Int) async throws -> Int
}

final class NodeImpl: Link {
    let next = Client<any Link>("next")
    let label = Attribute("label", "")
    let weight = Attribute("weight", 0)

    func ping(_ hops: Int) async throws -> Int {
        let own = weight.value
        if hops == 0 { return own }
        return try await next().ping(hops - 1) + own
    }
}

let segments = 100
let nodesPerSegment = 100
let primitives = segments * nodesPerSegment
let rounds = CommandLine.arguments.dropFirst().first.flatMap { Int($0) } ?? 3

let registry = Registry()
registry.register(LinkProxy.self)
registry.registerContent("bench.NodeImpl") { NodeImpl() }

// MARK: Generating the architecture files

let header = """
<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE definition PUBLIC "-//objectweb.org//DTD Fractal ADL 2.0//EN" "classpath://org/objectweb/fractal/adl/xml/standard.dtd">

"""

func segmentBindings(_ lines: inout [String]) {
    lines.append(#"  <binding client="this.in" server="n0.in"/>"#)
    for k in 0..<(nodesPerSegment - 1) {
        lines.append("  <binding client=\"n\(k).next\" server=\"n\(k + 1).in\"/>")
    }
    lines.append("  <binding client=\"n\(nodesPerSegment - 1).next\" server=\"this.out\"/>")
}

func topDefinition(name: String, arguments: String?, segment: (Int) -> String) -> String {
    var lines = ["<definition name=\"\(name)\"\(arguments.map { " arguments=\"\($0)\"" } ?? "")>"]
    lines.append(#"  <interface name="in" role="server" signature="bench.Link"/>"#)
    for i in 0..<segments { lines.append("  <component name=\"s\(i)\" definition=\"\(segment(i))\"/>") }
    lines.append(#"  <binding client="this.in" server="s0.in"/>"#)
    for i in 0..<segments { lines.append("  <binding client=\"s\(i).out\" server=\"s\((i + 1) % segments).in\"/>") }
    lines.append(#"  <controller desc="composite"/>"#)
    lines.append("</definition>")
    return header + lines.joined(separator: "\n") + "\n"
}

/// One reusable segment and one node definition, referenced with arguments.
func referencesVariant() -> [String: String] {
    var files: [String: String] = [:]
    files["bench/Top.fractal"] = topDefinition(name: "bench.Top", arguments: "weight=1") { "bench.Segment(s\($0), ${weight})" }

    var segment = [#"<definition name="bench.Segment" arguments="segment,weight=1">"#]
    segment.append(#"  <interface name="in" role="server" signature="bench.Link"/>"#)
    segment.append(#"  <interface name="out" role="client" signature="bench.Link"/>"#)
    for k in 0..<nodesPerSegment {
        segment.append("  <component name=\"n\(k)\" definition=\"bench.Node(label=>${segment}.n\(k), weight=>${weight})\"/>")
    }
    segmentBindings(&segment)
    segment.append(#"  <controller desc="composite"/>"#)
    segment.append("</definition>")
    files["bench/Segment.fractal"] = header + segment.joined(separator: "\n") + "\n"

    files["bench/NodeType.fractal"] = header + """
    <definition name="bench.NodeType">
      <interface name="in" role="server" signature="bench.Link"/>
      <interface name="next" role="client" signature="bench.Link"/>
    </definition>

    """
    files["bench/Node.fractal"] = header + """
    <definition name="bench.Node" extends="bench.NodeType" arguments="label,weight=1">
      <content class="bench.NodeImpl"/>
      <attributes signature="bench.NodeAttributes">
        <attribute name="label" value="${label}"/>
        <attribute name="weight" value="${weight}"/>
      </attributes>
      <controller desc="primitive"/>
    </definition>

    """
    return files
}

/// Every segment in its own file, its primitives written out inline.
func filesVariant() -> [String: String] {
    var files: [String: String] = [:]
    files["benchfiles/Top.fractal"] = topDefinition(name: "benchfiles.Top", arguments: nil) { "benchfiles.Segment\($0)" }
    for i in 0..<segments {
        var lines = ["<definition name=\"benchfiles.Segment\(i)\">"]
        lines.append(#"  <interface name="in" role="server" signature="bench.Link"/>"#)
        lines.append(#"  <interface name="out" role="client" signature="bench.Link"/>"#)
        for k in 0..<nodesPerSegment {
            lines.append("""
              <component name="n\(k)">
                <interface name="in" role="server" signature="bench.Link"/>
                <interface name="next" role="client" signature="bench.Link"/>
                <content class="bench.NodeImpl"/>
                <attributes signature="bench.NodeAttributes">
                  <attribute name="label" value="s\(i).n\(k)"/>
                  <attribute name="weight" value="1"/>
                </attributes>
                <controller desc="primitive"/>
              </component>
            """)
        }
        segmentBindings(&lines)
        lines.append(#"  <controller desc="composite"/>"#)
        lines.append("</definition>")
        files["benchfiles/Segment\(i).fractal"] = header + lines.joined(separator: "\n") + "\n"
    }
    return files
}

let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ADLScale-\(ProcessInfo.processInfo.processIdentifier)")
try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: folder) }

func write(_ files: [String: String]) throws -> (count: Int, bytes: Int) {
    var bytes = 0
    for (path, text) in files {
        let url = folder.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
        bytes += text.utf8.count
    }
    return (files.count, bytes)
}

// MARK: The baseline: the same architecture in Swift code

func buildInCode() throws -> Component {
    let inType = InterfaceType(name: "in", signature: LinkProxy.self, role: .server)
    let nextType = InterfaceType(name: "next", signature: LinkProxy.self, role: .client)
    let outType = InterfaceType(name: "out", signature: LinkProxy.self, role: .client)
    let nodeType = try ComponentType([inType, nextType])
    let segmentType = try ComponentType([inType, outType])
    let factory = GenericFactory(registry: registry)
    let top = try factory.newInstance("Top", type: ComponentType([inType]), controller: .composite)
    var made: [Component] = []
    for i in 0..<segments {
        let segment = try factory.newInstance("s\(i)", type: segmentType, controller: .composite)
        var nodes: [Component] = []
        for k in 0..<nodesPerSegment {
            let node = try Component.primitive("n\(k)", type: nodeType, content: NodeImpl(), registry: registry)
            let attributes = try node.attributeController
            try attributes.set("label", "s\(i).n\(k)")
            try attributes.set("weight", 1)
            try segment.contentController.add(node)
            nodes.append(node)
        }
        try segment.bindingController.bind("in", to: nodes[0].interface(named: "in"))
        for k in 0..<(nodesPerSegment - 1) {
            try nodes[k].bindingController.bind("next", to: nodes[k + 1].interface(named: "in"))
        }
        try nodes[nodesPerSegment - 1].bindingController.bind("next", to: segment.contentController.internalInterface(named: "out"))
        try top.contentController.add(segment)
        made.append(segment)
    }
    try top.bindingController.bind("in", to: made[0].interface(named: "in"))
    for i in 0..<segments {
        try made[i].bindingController.bind("out", to: made[(i + 1) % segments].interface(named: "in"))
    }
    return top
}

// MARK: Measuring

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

func milliseconds(_ value: Double) -> String { String(format: "%9.1f ms", value * 1000) }

/// Per phase: the time of each round.
/// Per phase: the wall-clock time and the CPU time (of the whole process) of each round.
struct Timings {
    var phases: [String] = []
    var values: [String: [Double]] = [:]
    var cpu: [String: [Double]] = [:]

    mutating func record(_ phase: String, _ value: Double, cpu used: Double) {
        if values[phase] == nil { phases.append(phase) }
        values[phase, default: []].append(value)
        cpu[phase, default: []].append(used)
    }

    func first(_ phase: String) -> Double { values[phase]?.first ?? .nan }
    func best(_ phase: String) -> Double { values[phase]?.min() ?? .nan }
    func bestCPU(_ phase: String) -> Double { cpu[phase]?.min() ?? .nan }

    func print(title: String) {
        Swift.print("\n\(title)")
        Swift.print("  phase" + String(repeating: " ", count: 46) + "first round    best of \(rounds)   CPU, best")
        for phase in phases {
            Swift.print("  " + phase.padding(toLength: 49, withPad: " ", startingAt: 0)
                        + milliseconds(first(phase)) + "  " + milliseconds(best(phase)) + "  " + milliseconds(bestCPU(phase)))
        }
    }
}

/// CPU time used by the process so far (every thread), in seconds.
func processCPU() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}

@discardableResult
func time<R>(_ phase: String, into timings: inout Timings, _ body: () throws -> R) rethrows -> R {
    let (start, cpu) = (ContinuousClock.now, processCPU())
    let result = try body()
    timings.record(phase, seconds(ContinuousClock.now - start), cpu: processCPU() - cpu)
    return result
}

@discardableResult
func timeAsync<R>(_ phase: String, into timings: inout Timings, _ body: () async throws -> R) async rethrows -> R {
    let (start, cpu) = (ContinuousClock.now, processCPU())
    let result = try await body()
    timings.record(phase, seconds(ContinuousClock.now - start), cpu: processCPU() - cpu)
    return result
}

/// Checks, by introspection, that `top` is the architecture described: every component, every
/// binding, every attribute.
func verify(_ top: Component) throws {
    func server(_ component: Component, _ name: String) throws -> String? {
        try component.bindingController.lookup(name).map { "\($0.owner.name).\($0.name)" }
    }
    let segmentList = try top.contentController.subComponents
    guard segmentList.map(\.name) == (0..<segments).map({ "s\($0)" }) else { fail("top holds \(segmentList.map(\.name))") }
    guard try server(top, "in") == "s0.in" else { fail("top.in is not exported to s0.in") }
    for (i, segment) in segmentList.enumerated() {
        guard try server(segment, "out") == "s\((i + 1) % segments).in" else { fail("s\(i).out is not bound to the next segment") }
        guard try server(segment, "in") == "n0.in" else { fail("s\(i).in is not exported to n0.in") }
        let nodes = try segment.contentController.subComponents
        guard nodes.count == nodesPerSegment else { fail("s\(i) holds \(nodes.count) components") }
        for (k, node) in nodes.enumerated() {
            let expected = k + 1 < nodesPerSegment ? "n\(k + 1).in" : "s\(i).out"
            guard node.name == "n\(k)", try server(node, "next") == expected,
                  try node.attributeController.string("label") == "s\(i).n\(k)",
                  try node.attributeController.value("weight", as: Int.self) == 1 else {
                fail("s\(i)/n\(k) is not as described")
            }
        }
    }
}

/// Calls the top's `in` once around the ring: every primitive is visited once.
func walk(_ top: Component) async throws -> Int {
    try await top.interface(named: "in").callable(as: (any Link).self).ping(primitives - 1)
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("ADLScale: \(message)\n".utf8))
    exit(1)
}

let searchPath = [folder.path]

func measureADL(_ definition: String) async throws -> Timings {
    var timings = Timings()
    for _ in 0..<rounds {
        let (plan, resolved) = time("parse + resolve (ADLLoader.resolve)", into: &timings) {
            ADLLoader(searchPath: searchPath).resolve(definition)
        }
        guard let plan, resolved.isEmpty else { fail("resolve: \(resolved.map(\.description).joined(separator: "\n"))") }
        guard plan.allPlans.count == 1 + segments + primitives else { fail("the plan has \(plan.allPlans.count) components") }

        let structural = time("check --structure-only (parse+resolve+check)", into: &timings) {
            ADL.check(definition, searchPath: searchPath, registry: registry, structureOnly: true)
        }
        guard structural.diagnostics.isEmpty else { fail("check: \(structural.diagnostics.map(\.description).joined(separator: "\n"))") }

        let top = try time("ADL.load (parse→resolve→check→instantiate)", into: &timings) {
            try ADL.load(definition, searchPath: searchPath, registry: registry)
        }
        try await exercise(top, into: &timings)
    }
    return timings
}

/// `ADL.check` without `structureOnly` instantiates the architecture and drops it; the ring of
/// this architecture keeps its components alive (each client keeps the server it is bound to,
/// around the ring), so every full check leaves a whole architecture in memory. Measured after everything else, so as not to slow the other rounds.
func measureFullCheck(_ definition: String, into timings: inout Timings) {
    for _ in 0..<rounds {
        let full = time("check, full (adds registry look-ups and a build)", into: &timings) {
            ADL.check(definition, searchPath: searchPath, registry: registry)
        }
        guard full.diagnostics.isEmpty else { fail("check: \(full.diagnostics.map(\.description).joined(separator: "\n"))") }
    }
}

func measureCode() async throws -> Timings {
    var timings = Timings()
    for _ in 0..<rounds {
        let top = try time("instantiate in Swift code (factory + add + bind)", into: &timings) { try buildInCode() }
        try await exercise(top, into: &timings)
    }
    return timings
}

/// Starts `top`, calls around the ring, stops, checks the architecture and takes it apart
/// (the same phases, timed the same way, whichever way `top` was built).
func exercise(_ top: Component, into timings: inout Timings) async throws {
    try await timeAsync("start", into: &timings) { try await top.lifeCycleController.start() }
    let sum = try await timeAsync("one call around the ring (10,000 hops)", into: &timings) { try await walk(top) }
    guard sum == primitives else { fail("the ring walk summed \(sum), expected \(primitives)") }
    try await timeAsync("stop", into: &timings) { try await top.lifeCycleController.stop() }
    try verify(top)
    try tearDown(top)
}

/// Unbinds and removes everything below `top` (untimed), so that the next round starts from the
/// same heap: the ring is a reference cycle (each client keeps its server) that ARC alone never
/// frees.
func tearDown(_ top: Component) throws {
    func unbindAll(_ component: Component) throws {
        for name in component.bindingController.list() where try component.bindingController.lookup(name) != nil {
            try component.bindingController.unbind(name)
        }
        for child in (try? component.contentController.subComponents) ?? [] { try unbindAll(child) }
    }
    func removeAll(_ component: Component) throws {
        guard component.isComposite else { return }
        for child in try component.contentController.subComponents {
            try removeAll(child)
            try component.contentController.remove(child)
        }
    }
    try unbindAll(top)
    try removeAll(top)
}

print("ADLScale: \(primitives) primitives in \(segments) composites of \(nodesPerSegment), chained, with exports and 2 attributes each; \(rounds) rounds")
let references = try write(referencesVariant())
let inline = try write(filesVariant())
print("generated in \(folder.path):")
print("  references: \(references.count) files, \(references.bytes / 1024) KiB (bench.Top → 100 × bench.Segment(sN, ${weight}) → 100 × bench.Node(label=>…, weight=>…) extends bench.NodeType)")
print("  files:      \(inline.count) files, \(inline.bytes / 1024) KiB (benchfiles.Top → benchfiles.Segment0…99, primitives inline)")

// The baseline first, so that neither ADL variant pays for one-time costs of the runtime alone.
let code = try await measureCode()
code.print(title: "Swift code (baseline)")
let codeBuild = code.best("instantiate in Swift code (factory + add + bind)")
let codeStart = code.best("start")

let variants = [("ADL, one definition referenced with arguments (bench.Top)", "bench.Top"),
                ("ADL, one file per sub-composite (benchfiles.Top)", "benchfiles.Top")]
var measured: [Timings] = []
for (_, definition) in variants { measured.append(try await measureADL(definition)) }
for index in variants.indices { measureFullCheck(variants[index].1, into: &measured[index]) }

for ((title, _), adl) in zip(variants, measured) {
    adl.print(title: title)
    let load = "ADL.load (parse→resolve→check→instantiate)"
    for (label, pick) in [("wall, first round", adl.first), ("wall, best of \(rounds)", adl.best),
                          ("CPU, best of \(rounds)", adl.bestCPU)] as [(String, (String) -> Double)] {
        let total = pick(load) + pick("start")
        print("  TOTAL load + start, \(label)".padding(toLength: 51, withPad: " ", startingAt: 0)
              + milliseconds(total) + "  goal < 1 s: " + (total < 1 ? "met" : "NOT met"))
    }
    print(String(format: "  ADL / code: instantiate %.1f×, instantiate + start %.1f× (best rounds)",
                 adl.best(load) / codeBuild, (adl.best(load) + adl.best("start")) / (codeBuild + codeStart)))
}
