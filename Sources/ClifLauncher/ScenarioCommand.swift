import ClifComponents
import ArgumentParser
import ClifCore
import ClifHTTP
import ClifScenario
import Foundation
import NIOPosix

/// `clif scenario check | show FILE`.
struct ScenarioCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scenario", abstract: "Check or describe an ISAC scenario (.xis).",
        subcommands: [Check.self, Show.self])

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print every problem of a scenario as file:line:column: error: …; exit 65 when there is an error.",
            discussion: "Example: clif scenario check Examples/LoadTest/scenarios/browse.xis")

        @Argument(help: "The scenario file (.xis).") var file: String

        func run() async throws {
            try requireFile(file)
            let plugins = Plugins.registry(group: MultiThreadedEventLoopGroup.singleton)
            let diagnostics = ISAC.check(file: file, plugins: plugins)
            for diagnostic in diagnostics { print(diagnostic) }
            let errors = diagnostics.filter { $0.severity == .error }.count
            let warnings = diagnostics.count - errors
            if errors > 0 {
                printError("\(file): \(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")")
                throw ExitCode(ExitStatus.dataError)
            }
            print("\(file): ok\(warnings > 0 ? " (\(warnings) warning\(warnings == 1 ? "" : "s"))" : "")")
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a scenario's plug-ins, behaviours and the population of each group over time.",
            discussion: "Example: clif scenario show Examples/LoadTest/scenarios/browse.xis")

        @Argument(help: "The scenario file (.xis).") var file: String

        func run() async throws {
            try requireFile(file)
            do {
                let scenario = try ISAC.read(file: file)
                print(ScenarioSummary.text(of: scenario), terminator: "")
            } catch {
                for diagnostic in error.diagnostics { printError(diagnostic.description) }
                throw ExitCode(ExitStatus.dataError)
            }
        }
    }
}

/// The plug-ins `clif` knows: the built-in ones and HTTP.
enum Plugins {
    static func registry(group: any EventLoopGroup) -> PluginRegistry {
        let registry = PluginRegistry(builtIns: true)
        HTTPInjectorPlugin.register(in: registry, group: group)
        // Known to `clif scenario check` and `clif plugins`; its locks come with a test plan's
        // Synchro blade.
        registry.register(SynchroPlugin(locks: nil))
        return registry
    }
}

/// Exits 66 with a message when `path` does not exist.
func requireFile(_ path: String) throws {
    guard FileManager.default.fileExists(atPath: path) else {
        printError("clif: no such file: \(path)")
        throw ExitCode(ExitStatus.noInput)
    }
}

func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

import NIOCore
