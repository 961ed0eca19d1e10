import Foundation
import FractalADL
import Testing

/// Entity references cannot make a small file expand without bound: what they add is at most
/// 1 MiB plus 8 bytes per byte of the file, checked before libxml2 expands anything.
@Suite("Entity budget")
struct EntityBudgetTests {
    /// A definition whose signature is `references` references to an entity of `size` characters.
    static func amplified(size: Int, references: Int) throws -> (path: String, line: String) {
        let folder = NSTemporaryDirectory() + "entity-budget-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let line = #"  <interface name="r" role="server" signature=""# + String(repeating: "&big;", count: references) + #""/>"#
        let text = """
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE definition [
              <!ENTITY big "\(String(repeating: "x", count: size))">
            ]>
            <definition name="Amplified">
            \(line)
              <content class="no.Impl"/>
            </definition>

            """
        let path = folder + "/Amplified.fractal"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return (path, line)
    }

    @Test func aFlatAmplificationIsRefusedAtTheReferenceThatCrossesTheLimit() throws {
        // 29 KB of file, 20 MB of expansion.
        let (path, line) = try Self.amplified(size: 4_000, references: 5_000)
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let size = try #require(FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        let limit = 1 << 20 + 8 * size
        let report = ADL.check(path, structureOnly: true)
        let error = try #require(report.errors.first)
        #expect(report.errors.count == 1)
        #expect(error.message.contains("entity references expand to more than \(limit) characters"))
        // The first reference whose expansion goes over the limit.
        let crossing = limit / 4_000 + 1
        let column = line.distance(from: line.startIndex, to: line.range(of: "&big;")!.lowerBound) + 5 * (crossing - 1) + 1
        #expect(error.location == SourceLocation(file: path, line: 6, column: column))
    }

    @Test func aFileUnderTheLimitIsRead() throws {
        let (path, _) = try Self.amplified(size: 1_000, references: 900)
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let report = ADL.check(path, structureOnly: true)
        #expect(report.errors.isEmpty, "\(report.errors.map(\.description))")
        #expect(report.plan?.interfaces.first?.type.signature.count == 900_000)
    }
}
