import ArgumentParser
import ClifComponents
import ClifCore
import Foundation

/// `clif plan show PLAN.ctp`: the blades of a test plan, and its test architecture.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan", abstract: "Read CLIF test plans (.ctp).", subcommands: [Show.self])

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the blades of a test plan (id, server, class, argument), or its test architecture as ADL.",
            discussion: "Example: clif plan show Examples/LoadTest/plans/local.ctp --adl")

        @Argument(help: "The test plan (.ctp).") var plan: String

        @Flag(help: "Print the test architecture (ADL) the plan becomes, instead of the blades.")
        var adl = false

        func run() throws {
            try requireFile(plan)
            let read: TestPlan
            do { read = try TestPlan.read(file: plan) } catch {
                for diagnostic in error.diagnostics { printError(diagnostic.description) }
                throw ExitCode(ExitStatus.dataError)
            }
            for warning in read.warnings { printError(warning.description) }
            if adl {
                do {
                    let name = PlanRun.definitionName(URL(fileURLWithPath: plan).deletingPathExtension().lastPathComponent)
                    print(try TestArchitecture(plan: read, name: name, reportDirectory: "report").adl(), terminator: "")
                } catch {
                    for diagnostic in error.diagnostics { printError(diagnostic.description) }
                    throw ExitCode(ExitStatus.dataError)
                }
                return
            }
            let rows = [["blade", "id", "server", "class", "argument", "comment"]] + read.blades.map {
                ["\($0.index)", $0.id, $0.server, $0.kind.description, $0.argument, $0.comment]
            }
            let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
            for row in rows {
                print(row.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }.joined(separator: "  ")
                    .trimmingCharacters(in: .whitespaces))
            }
        }
    }
}
