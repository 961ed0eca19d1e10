import ClifCore
import Foundation
import Testing

extension ProbeTests {
    @Suite("samplers by class name")
    struct Samplers {
        @Test func eachClassNameGivesItsSampler() throws {
            let proc = try ProcFixture()
            try proc.write("stat", CPU.first)
            try proc.write("meminfo", Memory.meminfo())
            try proc.write("net/dev", Network.first)
            try proc.write("diskstats", Disk.old(reads: 1, sectorsRead: 2, writes: 3, sectorsWritten: 4))
            for name in ["cpu", "memory", "network", "disk"] {
                // A properties file may leave spaces around the name.
                var sampler = try ProbeSamplers.sampler(forClass: " \(name)\t", procRoot: proc.root)
                #expect(sampler.className == name)
                #expect(sampler.eventTypes.map(\.name) == [name])
                let rows = try sampler.sample(at: seconds(1))
                #expect(rows.map(\.eventType) == sampler.eventTypes)
            }
        }

        @Test func anUnknownNameListsTheKnownOnes() {
            #expect(throws: ProbeError.unknownProbe(name: "jvm", known: ["cpu", "memory", "network", "disk"])) {
                try ProbeSamplers.sampler(forClass: "jvm")
            }
            #expect("\(ProbeError.unknownProbe(name: "jvm", known: ProbeSamplers.classNames))" == "unknown probe \"jvm\"; known probes: cpu, memory, network, disk")
        }
    }

    @Suite("files")
    struct Files {
        @Test func numbersWithoutNeedlessDecimals() {
            let percent = ProbeColumn("%busy", fractionDigits: 2)
            #expect([33.3333, 12.5, 12.0, 0.004, -0.001, 0.05, 100, 99.999].map(percent.format) == ["33.33", "12.5", "12", "0", "0", "0.05", "100", "100"])
            #expect(ProbeColumn("bytes in/s", fractionDigits: 0).format(1_234_567.5) == "1234568")
            #expect(ProbeColumn("x", fractionDigits: 1).format(.nan) == "0")
            #expect(ProbeColumn("x", fractionDigits: 1).format(-2.25) == "-2.3")
        }

        @Test func headerAndLineAsCLIFWritesThem() {
            let type = ProbeEventType(name: "memory", columns: [ProbeColumn("used MiB", fractionDigits: 1), ProbeColumn("a,b", fractionDigits: 0)])
            #expect(type.header == "# date, used MiB, a;b")
            #expect(type.line(date: 1500, values: [12.25, 3]) == "1500,12.3,3")
        }
    }

    /// This machine's own /proc, read twice back to back: the figures must be sane, whatever
    /// the machine is doing (rates may well be 0).
    @Suite("this machine", .enabled(if: FileManager.default.fileExists(atPath: "/proc/stat")))
    struct ThisMachine {
        @Test(arguments: ProbeSamplers.classNames)
        func twoReadingsGiveSaneFigures(_ name: String) throws {
            var sampler = try ProbeSamplers.sampler(forClass: name, at: 0)
            let rows = try sampler.sample(at: 1_000_000)
            let row = try #require(rows.first)
            #expect(rows.count == 1 && row.date == 1)
            #expect(row.values.count == row.eventType.columns.count)
            #expect(row.values.allSatisfy { $0.isFinite && $0 >= 0 })
            #expect(row.line.split(separator: ",").count == row.eventType.columns.count + 1)
            switch name {
            case "cpu":
                #expect(row.values.allSatisfy { $0 <= 100 })
                // The machine's four columns, then four for each of at least one core.
                #expect(row.eventType.columns.count >= 8 && row.eventType.columns.count % 4 == 0)
            case "memory":
                let total = try #require(row["total MiB"]), used = try #require(row["used MiB"]), free = try #require(row["free MiB"])
                #expect(total > 0 && used <= total && free <= total)
                #expect(try #require(row["swap used MiB"]) <= #require(row["swap total MiB"]))
            default:
                break
            }
        }
    }
}
