import ClifCore
import Testing

extension ProbeTests {
    @Suite("memory")
    struct Memory {
        /// `/proc/meminfo` in a Linux 6 kernel's shape, numbers chosen to fall on MiB.
        static func meminfo(available: Bool = true) -> String {
            """
            MemTotal:       16384000 kB
            MemFree:         2048000 kB
            \(available ? "MemAvailable:   10240000 kB\n" : "")Buffers:          512512 kB
            Cached:          4096000 kB
            SwapCached:            0 kB
            Active:          6234520 kB
            Inactive:        5120044 kB
            Active(anon):    3021384 kB
            SwapTotal:       2097152 kB
            SwapFree:        1048576 kB
            Dirty:               184 kB
            Slab:             299620 kB
            SReclaimable:     264892 kB
            HugePages_Total:       0
            HugePages_Free:        0
            Hugepagesize:       2048 kB
            DirectMap4k:      309088 kB
            DirectMap2M:    16467968 kB

            """
        }

        @Test func levelsInMiBWithUsedFromAvailable() throws {
            let proc = try ProcFixture()
            try proc.write("meminfo", Self.meminfo())
            let sampler = try MemorySampler(procRoot: proc.root)
            #expect(sampler.eventTypes[0].header == "# date, total MiB, used MiB, free MiB, buffers+cached MiB, swap total MiB, swap used MiB")
            // total 16384000 kB / 1024 = 16000; used = (16384000 − 10240000) / 1024 = 6000;
            // free 2048000 / 1024 = 2000; buffers+cached = (512512 + 4096000) / 1024 = 4500.5;
            // swap total 2097152 / 1024 = 2048; swap used = (2097152 − 1048576) / 1024 = 1024.
            #expect(try sampler.sample(at: seconds(0.5)).first?.line == "500,16000,6000,2000,4500.5,2048,1024")
        }

        @Test func withoutMemAvailableUsedIsWhatIsNeitherFreeNorCache() throws {
            let proc = try ProcFixture()
            try proc.write("meminfo", Self.meminfo(available: false))
            // used = 16000 − 2000 − 4500.5 = 9499.5 MiB.
            #expect(try MemorySampler(procRoot: proc.root).sample(at: 0).first?["used MiB"] == 9499.5)
        }

        @Test func aMissingKeyIsAnErrorNamingTheFile() throws {
            let proc = try ProcFixture()
            try proc.write("meminfo", "MemFree: 1 kB\nBuffers: 1 kB\nCached: 1 kB\nSwapTotal: 0 kB\nSwapFree: 0 kB\n")
            #expect(throws: ProbeError.malformed(path: proc.path("meminfo"), line: nil, problem: "no MemTotal line")) {
                try MemorySampler(procRoot: proc.root)
            }
            try proc.write("meminfo", "MemTotal: lots kB\n")
            #expect(throws: ProbeError.malformed(path: proc.path("meminfo"), line: 1, problem: "MemTotal is not a counter: \"lots\"")) {
                try MemorySampler(procRoot: proc.root)
            }
        }
    }
}
