import ArgumentParser
import Foundation
import ClifComponents
import FractalLauncher

/// `clif`: run load tests and check scenarios.
public struct ClifCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "clif",
        abstract: "Load testing after CLIF: ISAC scenarios, closed and open load profiles, HTTP/1.1 on SwiftNIO.",
        discussion: """
        Exit codes: 0 the load ran (failed calls are counted in the statistics, not in the exit code); \
        64 bad arguments; 65 the scenario has errors; 66 a file is missing; 73 the report cannot be written; \
        130 stopped by Ctrl-C (what was measured is still printed and written).
        """,
        subcommands: [RunCommand.self, ScenarioCommand.self, PlanCommand.self, PluginsCommand.self,
                      ReportCommand.self, NodeCommand.self])

    public init() {}

    /// Parses `arguments` (the process's when nil) and runs the command; exits with its status.
    public static func launch(_ arguments: [String]? = nil) async {
        ClifComponents.register()
        await launchAsRoot(arguments)
    }

    /// Runs the command `arguments` and returns its exit status instead of exiting (messages
    /// of a failure are printed on standard error), for programs that run `clif` among other work.
    public static func status(of arguments: [String]) async -> Int32 {
        ClifComponents.register()
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand { try await asyncCommand.run() } else { try command.run() }
            return 0
        } catch {
            let message = fullMessage(for: error)
            if !message.isEmpty { FileHandle.standardError.write(Data((message + "\n").utf8)) }
            return exitCode(for: error).rawValue
        }
    }
}

/// Exit codes, after sysexits.h.
enum ExitStatus {
    static let usage: Int32 = 64
    static let dataError: Int32 = 65
    static let noInput: Int32 = 66
    static let software: Int32 = 70
    static let cannotCreate: Int32 = 73
    static let unavailable: Int32 = 69
    static let interrupted: Int32 = 130
}
