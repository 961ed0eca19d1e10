import Foundation
import Synchronization

/// `CsvProvider`: rows of a CSV file beside the scenario, handed out in turn: one row per
/// session (each new session takes the next row) or per iteration (each `next` takes the next
/// row). `${id:column}` is a value of the current row; after the last row it starts again.
struct CsvProviderPlugin: ScenarioPlugin {
    let descriptor = PluginDescriptor(
        name: "CsvProvider", summary: "rows of a CSV file beside the scenario, one per session or per iteration",
        parameters: [ParameterSpec("file", "the CSV file, beside the scenario", required: true),
                     ParameterSpec("separator", "the field separator (,)"),
                     ParameterSpec("header", "checkbox: enable; when the first line names the columns (else they are 0, 1, …)"),
                     ParameterSpec("mode", "session (a row per session, the default) or iteration (a row at each next)")],
        controls: [OperationSpec("next", "moves to the next row (mode iteration)")],
        variables: nil)

    final class Table: Sendable {
        let columns: [String: Int]
        let rows: [[String]]
        let cursor = Atomic<Int>(0)

        init(columns: [String: Int], rows: [[String]]) {
            self.columns = columns
            self.rows = rows
        }

        func take() -> [String] { rows[cursor.add(1, ordering: .relaxed).oldValue % rows.count] }
    }

    func prepare(_ operation: PreparingOperation) throws -> (any Sendable)? {
        _ = try Self.load(operation.useParameters, directory: operation.directory)
        return nil
    }

    func makeInstance(_ context: InstanceContext) throws -> any PluginInstance {
        let parameters = context.parameters
        let directory = context.directory
        let table = try context.shared.value("table") { try Self.load(parameters, directory: directory) }
        let perIteration = (parameters.constant("mode")?.trimmedASCII.lowercased() ?? "session") == "iteration"
        return Instance(table: table, row: table.take(), perIteration: perIteration)
    }

    static func load(_ parameters: Parameters, directory: String) throws -> Table {
        guard let file = parameters.constant("file")?.trimmedASCII, !file.isEmpty else {
            throw ScenarioError("CsvProvider needs parameter 'file'")
        }
        let mode = parameters.constant("mode")?.trimmedASCII.lowercased() ?? "session"
        guard mode == "session" || mode == "iteration" || mode.isEmpty else {
            throw ScenarioError("CsvProvider: mode is 'session' or 'iteration', not '\(mode)'")
        }
        let path = scenarioFile(file, in: directory)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ScenarioError("CsvProvider: no file '\(file)' beside the scenario (looked for \(path))")
        }
        let separator = parameters.constant("separator").flatMap { $0.isEmpty ? nil : $0.first } ?? ","
        var lines = CSV.rows(String(decoding: data, as: UTF8.self), separator: separator)
        var columns: [String: Int] = [:]
        if ParameterValue.isChecked(parameters.constant("header") ?? ""), !lines.isEmpty {
            for (index, name) in lines.removeFirst().enumerated() { columns[name.trimmedASCII] = index }
        }
        guard !lines.isEmpty else { throw ScenarioError("CsvProvider: '\(file)' has no rows") }
        if columns.isEmpty, let width = lines.map(\.count).max() {
            for index in 0..<width { columns[String(index)] = index }
        }
        return Table(columns: columns, rows: lines)
    }

    final class Instance: PluginInstance {
        let table: Table
        var row: [String]
        let perIteration: Bool

        init(table: Table, row: [String], perIteration: Bool) {
            self.table = table
            self.row = row
            self.perIteration = perIteration
        }

        func control(_ call: OperationCall, _ session: SessionContext) async throws {
            row = table.take()
        }

        func variable(_ name: String, _ session: SessionContext) -> String? {
            guard let index = table.columns[name] else { return nil }
            return index < row.count ? row[index] : ""
        }
    }
}

/// RFC 4180 CSV: quoted fields with doubled quotes, CRLF or LF, empty lines skipped.
enum CSV {
    static func rows(_ text: String, separator: Character) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var atFieldStart = true
        var iterator = text.makeIterator()
        var pending: Character? = nil
        func endRow() {
            row.append(field)
            if !(row.count == 1 && row[0].isEmpty) { rows.append(row) }
            row = []
            field = ""
            atFieldStart = true
        }
        while let character = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if character == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" { field.append("\"") } else { quoted = false; pending = next }
                    } else { quoted = false }
                } else {
                    field.append(character)
                }
                continue
            }
            switch character {
            case "\"" where atFieldStart: quoted = true; atFieldStart = false
            case separator: row.append(field); field = ""; atFieldStart = true
            case "\n", "\r\n", "\r": endRow()
            default: field.append(character); atFieldStart = false
            }
        }
        if !field.isEmpty || !row.isEmpty { endRow() }
        return rows
    }
}

import FractalXML
