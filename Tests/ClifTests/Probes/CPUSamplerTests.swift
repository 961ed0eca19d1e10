import ClifCore
import Testing

extension ProbeTests {
    @Suite("cpu")
    struct CPU {
        /// `/proc/stat` as a two-core machine writes it; only the cpu lines count, `intr`, `ctxt`
        /// and the rest are there to be ignored.
        static func stat(_ total: String, _ cpu0: String, _ cpu1: String?, intr: String = "48213 9 0 0 0 0 0 0 0 1 0 0 0 12 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0") -> String {
            """
            cpu  \(total)
            cpu0 \(cpu0)
            \(cpu1.map { "cpu1 \($0)\n" } ?? "")intr \(intr)
            ctxt 987654321
            btime 1700000000
            processes 123456
            procs_running 3
            procs_blocked 0
            softirq 2045871 12 503445 24 145893 0 0 1021 712344 0 683132

            """
        }

        //                 user  nice system idle iowait irq softirq steal guest guest_nice
        static let first = stat("10000 500 3000 80000 1000 100 200 50 0 0",
                                "5000 250 1500 40000 500 50 100 25 0 0",
                                "5000 250 1500 40000 500 50 100 25 0 0")
        static let second = stat("10300 600 3150 80300 1050 150 250 50 20 0",
                                 "5200 350 1600 40050 525 75 100 25 10 0",
                                 "5100 250 1550 40250 525 75 150 25 10 0", intr: "49000 9 1 2")

        @Test func percentagesAreTheIntervalsShareOfTicks() throws {
            let proc = try ProcFixture()
            try proc.write("stat", Self.first)
            var sampler = try CPUSampler(procRoot: proc.root)
            try proc.write("stat", Self.second)
            let row = try #require(sampler.sample(at: seconds(1)).first)
            // Machine: deltas user 300, nice 100, system 150, idle 300, iowait 50, irq 50,
            // softirq 50, steal 0 (guest 20 is inside user) → total 1000 ticks.
            //   %busy = (1000 − 300 − 50) / 1000 = 65; %user = (300 + 100) / 1000 = 40;
            //   %system = (150 + 50 + 50) / 1000 = 25; %iowait = 50 / 1000 = 5.
            // cpu0: 200, 100, 100, 50, 25, 25, 0, 0 → 500 ticks.
            //   %busy = (500 − 50 − 25) / 500 = 85; %user = 300 / 500 = 60;
            //   %system = (100 + 25) / 500 = 25; %iowait = 25 / 500 = 5.
            // cpu1: 100, 0, 50, 250, 25, 25, 50, 0 → 500 ticks.
            //   %busy = (500 − 250 − 25) / 500 = 45; %user = 100 / 500 = 20;
            //   %system = (50 + 25 + 50) / 500 = 25; %iowait = 25 / 500 = 5.
            #expect(row.line == "1000,65,40,25,5,85,60,25,5,45,20,25,5")
            #expect(row["cpu1 %busy"] == 45)
        }

        @Test func theFileStartsWithTheMachinesColumnsThenEachCores() throws {
            let proc = try ProcFixture()
            try proc.write("stat", Self.first)
            let sampler = try CPUSampler(procRoot: proc.root)
            #expect(sampler.cores == ["cpu0", "cpu1"])
            #expect(sampler.eventTypes.map(\.name) == ["cpu"])
            #expect(sampler.eventTypes[0].header == "# date, %busy, %user, %system, %iowait, cpu0 %busy, cpu0 %user, cpu0 %system, cpu0 %iowait, cpu1 %busy, cpu1 %user, cpu1 %system, cpu1 %iowait")
        }

        @Test func aCounterGoingBackwardsCountsZeroAndAnOfflineCoreReportsZero() throws {
            let proc = try ProcFixture()
            try proc.write("stat", Self.second)
            var sampler = try CPUSampler(procRoot: proc.root)
            // iowait 1050 → 1040 (the kernel revises it down at times); cpu1 went offline.
            try proc.write("stat", Self.stat("10301 600 3150 80302 1040 150 250 50 20 0",
                                             "5200 350 1600 40050 525 75 100 25 10 0", nil))
            let row = try #require(sampler.sample(at: seconds(2)).first)
            // Machine: user +1, idle +2, iowait −10 → 0: total 3 ticks.
            //   %busy = (3 − 2 − 0) / 3 = 33.33; %user = 1 / 3 = 33.33; %system 0; %iowait 0.
            // cpu0: no tick in the interval → 0 everywhere; cpu1: offline → 0.
            #expect(row.line == "2000,33.33,33.33,0,0,0,0,0,0,0,0,0,0")
            // The lower iowait is the new reference: +5 next time is 5 ticks, not −5.
            try proc.write("stat", Self.stat("10301 600 3150 80307 1045 150 250 50 20 0",
                                             "5200 350 1600 40050 525 75 100 25 10 0", nil))
            // total 10: idle 5, iowait 5 → %busy 0, %iowait 50.
            #expect(try sampler.sample(at: seconds(3)).first?.values.prefix(4) == [0, 0, 0, 50])
        }

        @Test func anOldKernelsFourCountersAreEnough() throws {
            let proc = try ProcFixture()
            try proc.write("stat", "cpu  100 0 100 800\ncpu0 100 0 100 800\n")
            var sampler = try CPUSampler(procRoot: proc.root)
            try proc.write("stat", "cpu  150 0 150 900\ncpu0 150 0 150 900\n")
            // 50 + 50 + 100 = 200 ticks: busy 100/200 = 50, user 25, system 25.
            #expect(try sampler.sample(at: seconds(1)).first?.line == "1000,50,25,25,0,50,25,25,0")
        }

        @Test func aMalformedLineIsAnErrorNamingTheFileAndLine() throws {
            let proc = try ProcFixture()
            try proc.write("stat", "cpu  1 2 3 4 5 6 7 8 0 0\ncpu0 1 2 x3 4 5 6 7 8 0 0\n")
            #expect(throws: ProbeError.malformed(path: proc.path("stat"), line: 2, problem: "field 3 of \"cpu0\" is not a counter: \"x3\"")) {
                try CPUSampler(procRoot: proc.root)
            }
            try proc.write("stat", "cpu0 1 2 3 4 5 6 7 8 0 0\nintr 1 2\n")
            let error = #expect(throws: ProbeError.self) { try CPUSampler(procRoot: proc.root) }
            #expect(error?.description == "\(proc.path("stat")): no \"cpu\" line (the whole machine's ticks)")
        }

        @Test func aMissingFileIsUnreadable() throws {
            let proc = try ProcFixture()
            let error = #expect(throws: ProbeError.self) { try CPUSampler(procRoot: proc.root) }
            guard case let .unreadable(path, reason)? = error else { Issue.record("not unreadable: \(String(describing: error))"); return }
            #expect(path == proc.path("stat") && reason == "No such file or directory")
        }
    }
}
