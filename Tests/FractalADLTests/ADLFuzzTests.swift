import Foundation
import Fractal
import FractalADL
import HelloWorldComponents
import Testing

// A property of the loader: whatever the bytes of an architecture file, `ADL.check` returns (never
// crashes), and every error it gives is located in a real file at a line and column ≥ 1.
//
// Mutants are made from every .fractal file under ADL/ and Tests/FractalADLTests/Fixtures/valid/
// with a seeded generator (the same mutants on every run), written to a temporary folder, and
// checked in a child process (an exit test), so that a crash fails this test with the mutant that
// caused it instead of ending the whole test run; after a crash, checking resumes with the next
// mutant, so no mutant is skipped.

/// SplitMix64: small, fast, and the same sequence on every platform.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Makes mutants of architecture files, byte by byte or line by line.
struct ADLMutator {
    var rng: SplitMix64
    /// Definition names of the seeds, to reference (or to make cycles with).
    var definitionNames: [String]

    static let tokens = ["<", "\"", "&", "${", ">", "'", "</", "/>", "<!--", "]]>", "&amp;", "&#0;", "&#xD800;", "}", "=", "(", ")", ",", "=>", "\u{0}", "é", "\u{FEFF}", "\r"]
    static let elementNames = [
        "definition", "interface", "component", "binding", "content", "attributes", "attribute", "controller",
        "template-controller", "logger", "virtual-node", "exportedVirtualNodes", "exportedVirtualNode", "composedFrom",
        "composingVirtualNode", "coordinates", "comment", "Interface", "COMPONENT", "foo", "x:interface",
    ]
    static let attributes = [
        "name=\"r\"", "name=\"s\"", "name=\"\"", "name=\"client\"", "name=\"server\"", "name=\"count\"", "role=\"server\"",
        "role=\"client\"", "role=\"internal-client\"", "role=\"bogus\"", "signature=\"java.lang.Runnable\"",
        "signature=\"helloworld.Service\"", "signature=\"no.Sig\"", "contingency=\"optional\"", "cardinality=\"collection\"",
        "cardinality=\"multicast\"", "cardinality=\"gathercast\"", "client=\"this.r\"", "client=\"client.s\"", "server=\"server.s\"",
        "server=\"this.r\"", "definition=\"helloworld.Server\"", "definition=\"./server\"", "definition=\"./a/b\"",
        "class=\"helloworld.ServerImpl\"", "class=\"helloworld.ClientImpl\"", "desc=\"composite\"", "desc=\"primitive\"",
        "value=\"${count}\"", "value=\"x\"", "extends=\"helloworld.ServerType\"", "arguments=\"a,b=1\"", "bogus=\"1\"",
    ]
    static let garbage = [
        "", " ", "${", "${}", "${x}", "${header", "}{$", "a(", "a(b=>c", "(1)", "a.b()", "a,=", "=", ",", ",=x", "=x,y=",
        "x=>1,2", "a(1,b=>2)", "a(,,,)", "this.", ".", "..", "this..r", "a.b.c", "./", "./a/b", "/", "../../etc/passwd",
        "é", "\u{1}", ">", "&amp;", "&lt;", "&#0;", "&#65;", "java.lang.Runnable", "helloworld.Service",
        "helloworld.Server(1,2,3)", "helloworld.Server(header=>x,count=>y)", "helloworld.ServerImpl", "primitive",
        "composite", "-1", "99999999999999999999", "true", "nan", String(repeating: "x", count: 5_000),
        // Shaped like argument declarations (`arguments="a,b=default"`) and lists (`extends="A, B"`).
        "a=", "=1", "a,,b", "a b=c", "a=b=c", " = ", "==", "a,b,a", "${a}=1", "A, ", ", A", "A,,B",
        String(repeating: "(", count: 200), String(repeating: "${a}", count: 50),
    ]

    init(seed: UInt64, definitionNames: [String]) {
        rng = SplitMix64(seed: seed)
        self.definitionNames = definitionNames
    }

    private mutating func int(_ range: Range<Int>) -> Int { range.isEmpty ? range.lowerBound : Int.random(in: range, using: &rng) }
    private mutating func pick<T>(_ values: [T]) -> T { values[int(0..<values.count)] }

    /// One to three mutations of `bytes`, and what they were.
    mutating func mutant(of bytes: [UInt8]) -> (bytes: [UInt8], what: [String]) {
        var result = bytes
        var what: [String] = []
        for _ in 0..<int(1..<4) {
            let (mutated, description) = mutate(result)
            result = mutated
            what.append(description)
        }
        return (result, what)
    }

    private mutating func mutate(_ bytes: [UInt8]) -> (bytes: [UInt8], what: String) {
        var b = bytes
        switch int(0..<19) {
        case 0 where !b.isEmpty:
            let i = int(0..<b.count)
            b.remove(at: i)
            return (b, "delete byte \(i)")
        case 1 where !b.isEmpty:
            let i = int(0..<b.count)
            b.insert(b[i], at: i)
            return (b, "duplicate byte \(i)")
        case 2 where b.count > 1:
            let i = int(0..<b.count - 1)
            let j = int(0..<b.count)
            b.swapAt(i, int(0..<2) == 0 ? i + 1 : j)
            return (b, "swap bytes at \(i)")
        case 3:
            var lines = Self.lines(b)
            guard !lines.isEmpty else { break }
            let i = int(0..<lines.count)
            lines.remove(at: i)
            return (Self.join(lines), "delete line \(i + 1)")
        case 4:
            var lines = Self.lines(b)
            guard !lines.isEmpty else { break }
            let i = int(0..<lines.count)
            lines.insert(lines[i], at: i)
            return (Self.join(lines), "duplicate line \(i + 1)")
        case 5:
            var lines = Self.lines(b)
            guard lines.count > 1 else { break }
            let i = int(0..<lines.count), j = int(0..<lines.count)
            lines.swapAt(i, j)
            return (Self.join(lines), "swap lines \(i + 1) and \(j + 1)")
        case 6:
            let token = pick(Self.tokens)
            let i = int(0..<b.count + 1)
            b.insert(contentsOf: Array(token.utf8), at: i)
            return (b, "insert \(token.debugDescription) at \(i)")
        case 7:
            var lines = Self.lines(b)
            let i = int(0..<lines.count + 1)
            let name = pick(Self.elementNames)
            var element = "  <\(name)"
            for _ in 0..<int(0..<4) { element += " " + pick(Self.attributes) }
            element += int(0..<3) == 0 ? ">" : "/>"
            if int(0..<4) == 0 { element += "</\(pick(Self.elementNames))>" }
            lines.insert(Array(element.utf8), at: i)
            return (Self.join(lines), "insert line \(i + 1): \(element)")
        case 8:
            let i = int(0..<b.count + 1)
            return (Array(b[..<i]), "truncate at \(i)")
        case 9:
            let names = Self.nameRanges(b)
            guard !names.isEmpty else { break }
            let range = pick(names)
            let whole = int(0..<2) == 0
            for k in whole ? range : range.lowerBound..<range.lowerBound + 1 {
                let c = b[k]
                if (65...90).contains(c) { b[k] = c + 32 } else if (97...122).contains(c) { b[k] = c - 32 }
            }
            return (b, "flip case of the name at \(range.lowerBound)")
        case 10, 11, 15:
            let values = Self.valueRanges(b)
            guard !values.isEmpty else { break }
            let range = pick(values)
            let replacement = int(0..<4) == 0 ? pick(definitionNames) + pick(["", "(1)", "(x=>1)", "(${a})"]) : pick(Self.garbage)
            b.replaceSubrange(range, with: Array(replacement.utf8))
            return (b, "replace the value at \(range.lowerBound) with \(replacement.prefix(40).debugDescription)")
        case 12:
            // Nest the body of the root element in components, up to a bounded depth (libxml2
            // refuses documents deeper than 256).
            var lines = Self.lines(b)
            guard let open = lines.firstIndex(where: { String(decoding: $0, as: UTF8.self).contains("<definition") }),
                  let close = lines.lastIndex(where: { String(decoding: $0, as: UTF8.self).contains("</definition>") }),
                  open < close else { break }
            let depth = int(0..<8) == 0 ? int(100..<300) : int(1..<40)
            let openers = (0..<depth).map { Array("<component name=\"n\($0)\">".utf8) }
            let closers = (0..<depth).map { _ in Array("</component>".utf8) }
            lines.insert(contentsOf: closers, at: close)
            lines.insert(contentsOf: openers, at: open + 1)
            return (Self.join(lines), "nest \(depth) deep")
        case 13:
            let i = int(0..<b.count + 1)
            let byte = UInt8(int(0..<256))
            b.insert(byte, at: i)
            return (b, "insert byte \(byte) at \(i)")
        case 14:
            // An element name replaced by another one.
            let names = Self.nameRanges(b)
            guard !names.isEmpty else { break }
            let range = pick(names)
            let name = pick(Self.elementNames)
            b.replaceSubrange(range, with: Array(name.utf8))
            return (b, "rename the name at \(range.lowerBound) to \(name)")
        case 16:
            // The values the loader parses itself (references, binding ends, substitutions),
            // rebuilt from the pieces of their grammar.
            let values = Self.valueRanges(b, of: ["definition", "client", "server", "value", "name"])
            guard !values.isEmpty else { break }
            let range = pick(values)
            let replacement = (0..<int(0..<9)).map { _ in pick(Self.grammarPieces) }.joined()
            b.replaceSubrange(range, with: Array(replacement.utf8))
            return (b, "replace the value at \(range.lowerBound) with \(replacement.debugDescription)")
        case 17:
            // Same for the definition's own `arguments` and `extends` (added when missing).
            let attribute = pick(["arguments", "extends"])
            let replacement = (0..<int(0..<9)).map { _ in pick(Self.grammarPieces) }.joined()
            if let range = Self.valueRanges(b, of: [attribute]).first {
                b.replaceSubrange(range, with: Array(replacement.utf8))
                return (b, "replace \(attribute) with \(replacement.debugDescription)")
            }
            guard let root = Self.find(Array("<definition ".utf8), in: b) else { break }
            let added = "\(attribute)=\"\(replacement)\" "
            b.insert(contentsOf: Array(added.utf8), at: root + "<definition ".utf8.count)
            return (b, "add \(added)")
        default:
            break
        }
        // The drawn mutation did not apply (empty file…): insert a token instead.
        let i = int(0..<b.count + 1)
        b.insert(contentsOf: Array("<".utf8), at: i)
        return (b, "insert \"<\" at \(i)")
    }

    static func find(_ needle: [UInt8], in bytes: [UInt8]) -> Int? {
        guard !needle.isEmpty, bytes.count >= needle.count else { return nil }
        return (0...(bytes.count - needle.count)).first { bytes[$0..<$0 + needle.count].elementsEqual(needle) }
    }

    static func lines(_ bytes: [UInt8]) -> [[UInt8]] {
        bytes.split(separator: 10, omittingEmptySubsequences: false).map(Array.init)
    }

    static func join(_ lines: [[UInt8]]) -> [UInt8] {
        Array(lines.joined(separator: [10]))
    }

    /// Element names (after `<` or `</`) and attribute names (before `=`).
    static func nameRanges(_ b: [UInt8]) -> [Range<Int>] {
        func isNameByte(_ c: UInt8) -> Bool { (65...90).contains(c) || (97...122).contains(c) || (48...57).contains(c) || c == 45 || c == 58 }
        var ranges: [Range<Int>] = []
        var i = 0
        while i < b.count {
            if isNameByte(b[i]), i == 0 || !isNameByte(b[i - 1]) {
                var j = i
                while j < b.count, isNameByte(b[j]) { j += 1 }
                let before = i > 0 ? b[i - 1] : 0
                let beforeTwo = i > 1 ? b[i - 2] : 0
                let after = j < b.count ? b[j] : 0
                if before == 60 || (before == 47 && beforeTwo == 60) || after == 61 { ranges.append(i..<j) }
                i = j
            } else {
                i += 1
            }
        }
        return ranges
    }

    static let grammarPieces = ["a", "b", "x1", "=", "=", ",", ",", "(", ")", "=>", "${", "}", "${a}", ".", "this", " ", "./", "/", "helloworld.Server"]

    /// The insides of `="…"` (attribute values); with `names`, only of attributes so named.
    static func valueRanges(_ b: [UInt8], of names: Set<String>? = nil) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var i = 0
        while i + 1 < b.count {
            if b[i] == 61, b[i + 1] == 34 {
                var j = i + 2
                while j < b.count, b[j] != 34 { j += 1 }
                var k = i
                while k > 0, b[k - 1] != 32, b[k - 1] != 10, b[k - 1] != 9, b[k - 1] != 60 { k -= 1 }
                let name = String(decoding: b[k..<i], as: UTF8.self)
                if j < b.count, names.map({ $0.contains(name) }) ?? true { ranges.append(i + 2..<j) }
                i = j + 1
            } else {
                i += 1
            }
        }
        return ranges
    }
}

/// The seeds, the mutants on disk, and what a child process reports back.
enum FuzzCorpus {
    static let package: String = {
        let file = #filePath
        return file.components(separatedBy: "/Tests/").first ?? "."
    }()

    static let seedFolders = [package + "/ADL", package + "/Tests/FractalADLTests/Fixtures/valid"]
    /// Fixed, so that every run makes the same mutants of the same files; ADL_FUZZ_SEED and
    /// ADL_FUZZ_COUNT explore further (a failure names the mutant, its seed file and mutations).
    static let seed: UInt64 = ProcessInfo.processInfo.environment["ADL_FUZZ_SEED"].flatMap { UInt64($0) } ?? 20_261_125
    static let mutantCount = ProcessInfo.processInfo.environment["ADL_FUZZ_COUNT"].flatMap { Int($0) } ?? 2_000

    struct Seed {
        var root: String
        var relativePath: String
        var definition: String
        var bytes: [UInt8]
    }

    /// Every .fractal file under the seed folders, in a stable order.
    static func seeds() -> [Seed] {
        var seeds: [Seed] = []
        for root in seedFolders {
            guard let enumerator = FileManager.default.enumerator(atPath: root) else { continue }
            var relatives: [String] = []
            while let relative = enumerator.nextObject() as? String {
                if relative.hasSuffix(".fractal") { relatives.append(relative) }
            }
            for relative in relatives.sorted() {
                guard let data = FileManager.default.contents(atPath: root + "/" + relative) else { continue }
                let definition = String(relative.dropLast(".fractal".count)).replacingOccurrences(of: "/", with: ".")
                seeds.append(Seed(root: root, relativePath: relative, definition: definition, bytes: Array(data)))
            }
        }
        return seeds
    }

    /// Copies the seed folders into `folder` (so that references resolve against copies), writes
    /// `mutantCount` mutants, and a manifest: per mutant, the file to check and, when another
    /// definition references the mutated one, that definition and an overlay folder holding the
    /// mutant under its definition's path (so that it is also checked as a referenced definition).
    static func prepare(in folder: URL) throws -> (searchPath: [String], manifest: [Entry]) {
        let fileManager = FileManager.default
        var searchPath: [String] = []
        for (index, root) in seedFolders.enumerated() where fileManager.fileExists(atPath: root) {
            let copy = folder.appendingPathComponent("seeds\(index)")
            try fileManager.copyItem(atPath: root, toPath: copy.path)
            searchPath.append(copy.path)
        }
        let seeds = seeds()
        precondition(!seeds.isEmpty, "no seed under \(seedFolders)")
        var mutator = ADLMutator(seed: seed, definitionNames: seeds.map(\.definition))
        let mutants = folder.appendingPathComponent("mutants")
        try fileManager.createDirectory(at: mutants, withIntermediateDirectories: true)
        var manifest: [Entry] = []
        for index in 0..<mutantCount {
            let seed = seeds[index % seeds.count]
            let (bytes, what) = mutator.mutant(of: seed.bytes)
            let file = mutants.appendingPathComponent(String(format: "%04d-", index) + seed.relativePath.replacingOccurrences(of: "/", with: "_"))
            try Data(bytes).write(to: file)
            var entry = Entry(index: index, seed: seed.root + "/" + seed.relativePath, what: what.joined(separator: "; "), file: file.path)
            // A definition that mentions the mutated one: check it too, with the mutant in its place.
            let users = seeds.filter { $0.root == seed.root && $0.definition != seed.definition && mentions($0.bytes, seed.definition) }
            if !users.isEmpty {
                let user = users[index % users.count]
                let overlay = folder.appendingPathComponent("overlays/\(index)")
                let place = overlay.appendingPathComponent(seed.relativePath)
                try fileManager.createDirectory(at: place.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(bytes).write(to: place)
                entry.user = user.definition
                entry.overlay = overlay.path
            }
            manifest.append(entry)
        }
        return (searchPath, manifest)
    }

    /// True when `definition` appears in `bytes` as a reference: `"name"`, `"name(`, `, name`….
    static func mentions(_ bytes: [UInt8], _ definition: String) -> Bool {
        let text = Array(String(decoding: bytes, as: UTF8.self).utf8)
        let name = Array(definition.utf8)
        guard !name.isEmpty, text.count >= name.count else { return false }
        let before: Set<UInt8> = [34, 44, 32, 39]  // " , space '
        let after: Set<UInt8> = [34, 40, 44, 32, 39]  // " ( , space '
        for start in 0...(text.count - name.count) where text[start..<start + name.count].elementsEqual(name) {
            let ok1 = start > 0 && before.contains(text[start - 1])
            let end = start + name.count
            let ok2 = end < text.count && after.contains(text[end])
            if ok1 && ok2 { return true }
        }
        return false
    }

    struct Entry: Codable {
        var index: Int
        var seed: String
        var what: String
        var file: String
        var user: String?
        var overlay: String?
    }

    /// Marks a problem caused by libxml2's line count after a malformed XML declaration.
    static let knownLibXML2LineDrift = "[libxml2 line drift] "

    /// The problems with one report, if any.
    static func violations(of report: ADL.Report, root: String) -> [String] {
        var problems: [String] = []
        let afterMalformedXMLDeclaration = report.errors.contains {
            $0.message.contains("Malformed declaration") || $0.message.contains("parsing XML declaration")
        }
        for diagnostic in report.errors {
            guard let location = diagnostic.location else {
                problems.append("error without a location: \(diagnostic.message)")
                continue
            }
            let text = "\(location): error: \(diagnostic.message)"
            if !location.file.hasPrefix(root) || !FileManager.default.fileExists(atPath: location.file) {
                problems.append("not a real file: \(text)")
            }
            if location.line < 1 || location.column < 1 {
                problems.append("line or column below 1: \(text)")
            }
            if let data = FileManager.default.contents(atPath: location.file) {
                // Lines end at LF, as libxml2 counts them; a line has at most as many
                // characters as bytes, whatever the encoding.
                let lines = Array(data).split(separator: 10, omittingEmptySubsequences: false)
                // libxml2 does not count the newlines it skips while recovering from a malformed
                // XML declaration (`<?xml versi⏎on="1.0"?>`): its later lines are short by those.
                let known = afterMalformedXMLDeclaration ? knownLibXML2LineDrift : ""
                if location.line > lines.count {
                    problems.append(known + "line after the end of the file: \(text)")
                } else if location.line >= 1, location.column > lines[location.line - 1].count + 1 {
                    problems.append(known + "column after the end of line \(location.line) (\(lines[location.line - 1].count) bytes): \(text)")
                }
            }
            for note in diagnostic.notes {
                if let place = note.location, place.line < 1 || place.column < 1 || !FileManager.default.fileExists(atPath: place.file) {
                    problems.append("bad note location \(place) in: \(text)")
                }
            }
        }
        if report.plan == nil && report.errors.isEmpty {
            problems.append("no plan and no error")
        }
        return problems
    }
}

@Suite struct ADLFuzzTests {
    @Test func mutantsNeverCrashTheLoaderAndEveryErrorIsLocated() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("adl-fuzz-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let (searchPath, manifest) = try FuzzCorpus.prepare(in: folder)
        let manifestFile = folder.appendingPathComponent("manifest.json")
        try JSONEncoder().encode(manifest).write(to: manifestFile)
        let progressFile = folder.appendingPathComponent("progress").path
        let violationsFile = folder.appendingPathComponent("violations").path
        let statsFile = folder.appendingPathComponent("stats").path

        var start = 0
        var crashes = 0
        var checked = 0
        while start < manifest.count {
            try? FileManager.default.removeItem(atPath: progressFile)
            await #expect(processExitsWith: .success, "checking mutants from \(start) on") {
                [root = folder.path as String, searchPath = searchPath as [String], manifestPath = manifestFile.path as String,
                 progressPath = progressFile as String, violationsPath = violationsFile as String, statsPath = statsFile as String,
                 start = start as Int] in
                let entries = try JSONDecoder().decode([FuzzCorpus.Entry].self, from: Data(contentsOf: URL(fileURLWithPath: manifestPath)))
                let registry = Registry()
                HelloWorldComponents.register(in: registry)
                _ = FileManager.default.createFile(atPath: violationsPath, contents: nil)
                let violations = try FileHandle(forWritingTo: URL(fileURLWithPath: violationsPath))
                try violations.seekToEnd()
                var (clean, rejected) = (0, 0)
                for entry in entries[start...] {
                    // Before each load, so that after a crash the parent knows which mutant it was.
                    try Data("\(entry.index)".utf8).write(to: URL(fileURLWithPath: progressPath))
                    let report = ADL.check(entry.file, searchPath: searchPath, registry: registry)
                    if report.errors.isEmpty { clean += 1 } else { rejected += 1 }
                    var problems = FuzzCorpus.violations(of: report, root: root)
                    if let user = entry.user, let overlay = entry.overlay {
                        problems += FuzzCorpus.violations(
                            of: ADL.check(user, searchPath: [overlay] + searchPath, registry: registry), root: root
                        ).map { "as referenced by \(user): \($0)" }
                    }
                    for problem in problems {
                        violations.write(Data("\(entry.index)\t\(problem.replacingOccurrences(of: "\n", with: " "))\n".utf8))
                    }
                }
                try Data("\(clean) \(rejected)".utf8).write(to: URL(fileURLWithPath: statsPath))
                try Data("done".utf8).write(to: URL(fileURLWithPath: progressPath))
            }
            let progress = (try? String(contentsOfFile: progressFile, encoding: .utf8)) ?? ""
            if progress == "done" {
                checked += manifest.count - start
                break
            }
            // The child died while checking mutant `progress` (or before starting: then stop).
            guard let crashed = Int(progress), crashed >= start else {
                Issue.record("the child process ended before checking mutant \(start)")
                break
            }
            crashes += 1
            checked += crashed - start + 1
            let entry = manifest[crashed]
            let content = (try? String(contentsOfFile: entry.file, encoding: .isoLatin1)) ?? ""
            Issue.record("""
                mutant \(crashed) crashed the process: \(entry.file)
                seed: \(entry.seed)
                mutations: \(entry.what)
                \(entry.user.map { "also checked as referenced by \($0), with \(entry.overlay ?? "")" } ?? "")
                content (first 1500 characters):
                \(content.prefix(1_500))
                """)
            start = crashed + 1
        }
        #expect(checked == manifest.count, "checked \(checked) of \(manifest.count) mutants")
        // The last child to finish counts the mutants it checked that load cleanly and that are
        // rejected: both kinds must be there, or the mutations (or the harness) do nothing.
        let stats = ((try? String(contentsOfFile: statsFile, encoding: .utf8)) ?? "").split(separator: " ").compactMap { Int($0) }
        #expect(stats.count == 2 && stats[0] > 0 && stats[1] > stats[0], "mutants that load cleanly, rejected: \(stats)")

        let lines = ((try? String(contentsOfFile: violationsFile, encoding: .utf8)) ?? "").split(separator: "\n")
        func describe(_ line: Substring) -> String {
            let parts = line.split(separator: "\t", maxSplits: 1)
            let entry = Int(parts[0]).map { manifest[$0] }
            return "mutant \(parts[0]) (\(entry?.seed ?? "?"); \(entry?.what ?? "")): \(parts.count > 1 ? parts[1] : "")"
        }
        let (known, new) = (lines.filter { $0.contains(FuzzCorpus.knownLibXML2LineDrift) }, lines.filter { !$0.contains(FuzzCorpus.knownLibXML2LineDrift) })
        for line in new.prefix(25) { Issue.record(Comment(rawValue: describe(line))) }
        #expect(new.count == 0, "\(new.count) located-error violations in all (first 25 above)")
        // A line number from libxml2 that the loader passes on: known, and shown, not a failure.
        for line in known.prefix(5) {
            withKnownIssue(Comment(rawValue: "libxml2 loses the newlines it skips in a malformed XML declaration"), isIntermittent: true) {
                Issue.record(Comment(rawValue: describe(line)))
            }
        }
        #expect(crashes == 0, "\(crashes) of \(manifest.count) mutants crashed the process")
    }

    @Test func savedCrashersNoLongerCrash() async throws {
        let folder = FuzzCorpus.package + "/Tests/FractalADLTests/Fixtures/crashers"
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".fractal") }.sorted()
        for file in files {
            let path = folder + "/" + file
            await #expect(processExitsWith: .success, "checking \(path)") {
                [path = path as String, searchPath = [FuzzCorpus.package + "/ADL", FuzzCorpus.package + "/Tests/FractalADLTests/Fixtures/valid"] as [String]] in
                let registry = Registry()
                HelloWorldComponents.register(in: registry)
                let report = ADL.check(path, searchPath: searchPath, registry: registry)
                let problems = FuzzCorpus.violations(of: report, root: "/")
                if !problems.isEmpty {
                    FileHandle.standardError.write(Data(problems.joined(separator: "\n").utf8))
                    exit(1)
                }
            }
        }
    }
}
