import ClifCore
import Testing

extension ProbeTests {
    @Suite("network")
    struct Network {
        static let header = """
            Inter-|   Receive                                                |  Transmit
             face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed

            """
        static let first = header + """
                lo: 1000000    5000    0    0    0     0          0         0  1000000    5000    0    0    0     0       0          0
              eth0: 50000000   40000    0    3    0     0          0        12  2000000    15000    0    0    0     0       0          0
             wlan0:       0       0    0    0    0     0          0         0        0       0    0    0    0     0       0          0

            """
        // eth0 written as kernels do when a number fills its column: no space after the colon.
        static let second = header + """
                lo: 1001000000 6000    0    0    0     0          0         0 1001000000 6000    0    0    0     0       0          0
              eth0:53000000   42001    0    3    0     0          0        12  2500000    16000    0    0    0     0       0          0
             wlan0:    2000       3    0    0    0     0          0         0     1000       1    0    0    0     0       0          0

            """

        @Test func ratesPerSecondPerInterfaceAndTheirSumLoopbackLeftOut() throws {
            let proc = try ProcFixture()
            try proc.write("net/dev", Self.first)
            var sampler = try NetworkSampler(procRoot: proc.root, at: seconds(1))
            #expect(sampler.interfaces == ["eth0", "wlan0"])
            try proc.write("net/dev", Self.second)
            let row = try #require(sampler.sample(at: seconds(3)).first)
            // 2 s apart. eth0: bytes in (53000000 − 50000000) / 2 = 1500000; bytes out
            // (2500000 − 2000000) / 2 = 250000; packets in (42001 − 40000) / 2 = 1000.5; packets
            // out (16000 − 15000) / 2 = 500. wlan0: 2000 / 2 = 1000, 1000 / 2 = 500, 3 / 2 = 1.5,
            // 1 / 2 = 0.5. Sums: 1501000, 250500, 1002, 500.5. lo's billion bytes count nowhere.
            #expect(row.line == "3000,1501000,250500,1002,500.5,1500000,250000,1000.5,500,1000,500,1.5,0.5")
            #expect(sampler.eventTypes[0].header == "# date, bytes in/s, bytes out/s, packets in/s, packets out/s, eth0 bytes in/s, eth0 bytes out/s, eth0 packets in/s, eth0 packets out/s, wlan0 bytes in/s, wlan0 bytes out/s, wlan0 packets in/s, wlan0 packets out/s")
        }

        @Test func loopbackWhenAskedFor() throws {
            let proc = try ProcFixture()
            try proc.write("net/dev", Self.first)
            #expect(try NetworkSampler(procRoot: proc.root, includeLoopback: true).interfaces == ["lo", "eth0", "wlan0"])
        }

        @Test func aResetCountsZeroThenRatesResumeAndAGoneInterfaceReportsZero() throws {
            let proc = try ProcFixture()
            try proc.write("net/dev", Self.second)
            var sampler = try NetworkSampler(procRoot: proc.root)
            // eth0 re-created (counters from 0 again), wlan0 gone.
            try proc.write("net/dev", Self.header + "  eth0:     600       4    0    0    0     0          0         0      300       2    0    0    0     0       0          0\n")
            #expect(try sampler.sample(at: seconds(1)).first?.line == "1000,0,0,0,0,0,0,0,0,0,0,0,0")
            try proc.write("net/dev", Self.header + "  eth0:    1600      14    0    0    0     0          0         0      800       7    0    0    0     0       0          0\n")
            // From the reset's values: (1600 − 600) / 1 s, (800 − 300), (14 − 4), (7 − 2).
            #expect(try sampler.sample(at: seconds(2)).first?.line == "2000,1000,500,10,5,1000,500,10,5,0,0,0,0")
        }

        @Test func twoCallsAtTheSameTimeGiveZeroRatherThanInfinity() throws {
            let proc = try ProcFixture()
            try proc.write("net/dev", Self.first)
            var sampler = try NetworkSampler(procRoot: proc.root, at: seconds(1))
            try proc.write("net/dev", Self.second)
            #expect(try sampler.sample(at: seconds(1)).first?.values.allSatisfy { $0 == 0 } == true)
        }

        @Test func aLineThatIsNeitherHeaderNorInterfaceIsAnError() throws {
            let proc = try ProcFixture()
            try proc.write("net/dev", Self.header + "  eth0 1 2 3\n")
            #expect(throws: ProbeError.malformed(path: proc.path("net/dev"), line: 3, problem: "neither a header line (with \"|\") nor an interface line (\"name: counters\")")) {
                try NetworkSampler(procRoot: proc.root)
            }
            try proc.write("net/dev", Self.header + "  eth0: 1 2 3\n")
            #expect(throws: ProbeError.malformed(path: proc.path("net/dev"), line: 3, problem: "interface \"eth0\" has 3 counters, fewer than the 10 up to transmitted packets")) {
                try NetworkSampler(procRoot: proc.root)
            }
        }
    }
}
