import ClifCore
import Foundation
import Testing

// The probe loop of docs/load-testing.md ("Probes"), as it is shown there.
// BEGIN docs/load-testing.md
/// A probe blade's run, as a probe component makes it: the sampler made (and its baseline read)
/// at init, then one sample each period for the duration, each row appended to the file of its
/// event type in the blade's folder.
func runProbe(_ className: String, argument: String, folder: String, procRoot: String = "/proc",
              clock: any LoadClock = SystemClock()) async throws {
    let arguments = try ProbeArguments(parsing: argument)           // "1000 60"
    var sampler = try ProbeSamplers.sampler(forClass: className, procRoot: procRoot, at: 0)
    let start = clock.now()
    var files: [String: FileHandle] = [:]
    for type in sampler.eventTypes {                                 // "cpu": "# date, %busy, …"
        let file = URL(fileURLWithPath: folder + "/" + type.name)
        try Data((type.header + "\n").utf8).write(to: file)
        files[type.name] = try FileHandle(forWritingTo: file)
    }
    defer { for file in files.values { try? file.close() } }
    let period = Int64(arguments.periodMilliseconds) * 1_000_000
    for sample in 1...arguments.sampleCount {
        try await clock.sleep(until: start + Int64(sample) * period)
        for row in try sampler.sample(at: clock.now() - start) {    // "1000,65,40,25,5,…"
            try files[row.eventType.name]?.seekToEnd()
            try files[row.eventType.name]?.write(contentsOf: Data((row.line + "\n").utf8))
        }
    }
}
// END docs/load-testing.md

extension ProbeTests {
    @Suite("probe loop")
    struct Loop {
        @Test func aRunWritesTheHeaderThenARowEachPeriod() async throws {
            let proc = try ProcFixture()
            try proc.write("stat", CPU.first)
            let folder = try ProcFixture()
            let clock = ManualClock()
            let (procRoot, folderRoot) = (proc.root, folder.root)
            let run = Task { try await runProbe("cpu", argument: "500 1", folder: folderRoot, procRoot: procRoot, clock: clock) }
            for stat in [CPU.second, CPU.first] {
                await clock.waitForSleepers(1)
                try proc.write("stat", stat)
                clock.advance(by: 500_000_000)
            }
            try await run.value
            let lines = try String(contentsOfFile: folder.path("cpu"), encoding: .utf8).split(separator: "\n")
            // The header, then the row of percentagesAreTheIntervalsShareOfTicks at 500 ms, then
            // at 1000 ms every counter went back to the baseline: a reset, 0 everywhere.
            #expect(lines == [
                "# date, %busy, %user, %system, %iowait, cpu0 %busy, cpu0 %user, cpu0 %system, cpu0 %iowait, cpu1 %busy, cpu1 %user, cpu1 %system, cpu1 %iowait",
                "500,65,40,25,5,85,60,25,5,45,20,25,5",
                "1000,0,0,0,0,0,0,0,0,0,0,0,0",
            ])
        }

        @Test func theDocsStillShowThisLoop() throws {
            let source = try String(contentsOfFile: #filePath, encoding: .utf8)
            let begin = try #require(source.range(of: "// BEGIN docs/load-testing.md\n"))
            let end = try #require(source.range(of: "// END docs/load-testing.md", range: begin.upperBound..<source.endIndex))
            let page = try String(contentsOfFile: packageRoot + "/docs/load-testing.md", encoding: .utf8)
            #expect(page.contains(source[begin.upperBound..<end.lowerBound]), "docs/load-testing.md no longer shows the probe loop of \(#fileID)")
        }
    }
}
