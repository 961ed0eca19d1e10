import ClifCore
import ClifReports
import Foundation

/// Where the fixtures are, and temporary folders for what the tests write.
enum Fixtures {
    static let package: String = {
        // Tests/ClifReportsTests/Support/Fixtures.swift → the package folder.
        #filePath.components(separatedBy: "/Tests/").first ?? "."
    }()

    /// A CLIF 2.0.7-like report directory: three runs; the latest (`dummy_2012-03-27_16h39m25`)
    /// has injectors inj1 (CRLF, lifecycle out of order, a blank line) and inj2 (LF, no final
    /// newline, a malformed line 4, aborted, alarms), and a CPU probe cpu0.
    static let report = package + "/Tests/ClifReportsTests/Fixtures/report"
    static let latestRun = "dummy_2012-03-27_16h39m25"

    /// The latest run of the fixture, read; records nothing, throws if it cannot be read.
    static func latest() throws -> ReportRun {
        try ReportReader.read(directory: report)
    }

    /// A fresh temporary folder, for files the tests make.
    static func temporaryFolder() throws -> String {
        let path = NSTemporaryDirectory() + "ClifReportsTests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// A run written by our own `ReportDirectory`, one blade `injector`, the events given, a
    /// lifecycle running from 0 to `end` ms. Returns the report directory.
    static func ours(_ events: [ActionEvent], end: Int64, in folder: String) throws -> String {
        let directory = folder + "/report"
        let writer = try ReportDirectory(in: directory, testName: "ours", bladeID: "injector", testPlan: "#CLIF test plan\nblade.0.id=injector\nblade.0.server=local host\nblade.0.injector=IsacRunner\nblade.0.argument=test.xis\n",
                                         date: Date(timeIntervalSince1970: 1_700_000_000), server: ["host": "test"])
        for state in [BladeState.initializing, .initialized, .starting, .running] { try writer.append(state, at: 0) }
        try writer.append(events)
        try writer.append(.completed, at: end)
        writer.close()
        return directory
    }

    /// A successful event of `type` lasting `duration` ms, completed at `date`.
    static func event(_ type: String, _ duration: Int64, at date: Int64, success: Bool = true, comment: String = "") -> ActionEvent {
        ActionEvent(date: date, sessionID: 0, type: type, iteration: 0, success: success, duration: duration, comment: comment, result: nil)
    }
}
