import ClifCore
import Testing

extension ProbeTests {
    @Suite("disk")
    struct Disk {
        /// A 5.5+ kernel's 20-field lines (nvme, loop, dm, sr) beside a 4.18–5.4 kernel's 18-field
        /// ones (sda), with partitions.
        static func modern(nvmeReads: Int, nvmeSectorsRead: Int, nvmeWrites: Int, nvmeSectorsWritten: Int, sdaReads: Int, sdaSectorsRead: Int) -> String {
            """
               7       0 loop0 61 0 2194 13 0 0 0 0 0 40 13 0 0 0 0 0 0
             259       0 nvme0n1 \(nvmeReads) 3000 \(nvmeSectorsRead) 45000 \(nvmeWrites) 20000 \(nvmeSectorsWritten) 70000 0 100000 115000 500 0 1000000 20 3000 400
             259       1 nvme0n1p1 300 0 12000 100 2 0 16 1 0 90 101 0 0 0 0 0 0
             259       2 nvme0n1p2 119000 3000 8980000 44800 79998 20000 5999984 69999 0 99000 114900 500 0 1000000 20 0 0
               8       0 sda \(sdaReads) 100 \(sdaSectorsRead) 2000 3000 50 240000 3000 0 4000 5000 0 0 0 0
               8       1 sda1 4900 100 399000 1990 3000 50 240000 3000 0 3990 4990 0 0 0 0
             253       0 dm-0 119000 0 8980000 50000 100000 0 5999984 90000 0 99000 140000 0 0 0 0 0 0
              11       0 sr0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0

            """
        }

        @Test func ratesOfWholeDisksAndTheirSum() throws {
            let proc = try ProcFixture()
            try proc.write("diskstats", Self.modern(nvmeReads: 120000, nvmeSectorsRead: 9000000, nvmeWrites: 80000, nvmeSectorsWritten: 6000000, sdaReads: 5000, sdaSectorsRead: 400000))
            var sampler = try DiskSampler(procRoot: proc.root)
            #expect(sampler.devices == ["nvme0n1", "sda", "sr0"])
            #expect(sampler.eventTypes[0].labels.prefix(6) == ["bytes read/s", "bytes written/s", "reads/s", "writes/s", "nvme0n1 bytes read/s", "nvme0n1 bytes written/s"])
            try proc.write("diskstats", Self.modern(nvmeReads: 120150, nvmeSectorsRead: 9002048, nvmeWrites: 80075, nvmeSectorsWritten: 6001000, sdaReads: 5001, sdaSectorsRead: 400008))
            let row = try #require(sampler.sample(at: seconds(1)).first)
            // 1 s. nvme0n1: 2048 sectors × 512 = 1048576 B read, 1000 × 512 = 512000 B written,
            // 150 reads, 75 writes. sda: 8 × 512 = 4096 B read, 1 read. sr0: nothing.
            // Sums: 1052672, 512000, 151, 75.
            #expect(row.line == "1000,1052672,512000,151,75,1048576,512000,150,75,4096,0,1,0,0,0,0,0")
        }

        /// A 4.14 kernel: 14 fields; and a 2.6 kernel's 7-field partition line.
        static func old(reads: Int, sectorsRead: Int, writes: Int, sectorsWritten: Int) -> String {
            """
               8       0 sda \(reads) 20 \(sectorsRead) 500 \(writes) 10 \(sectorsWritten) 300 0 700 800
               8       1 sda1 \(reads) \(sectorsRead) \(writes) \(sectorsWritten)

            """
        }

        @Test func oldFormatsRead() throws {
            let proc = try ProcFixture()
            try proc.write("diskstats", Self.old(reads: 1000, sectorsRead: 80000, writes: 400, sectorsWritten: 32000))
            var disks = try DiskSampler(procRoot: proc.root)
            var all = try DiskSampler(procRoot: proc.root, allDevices: true)
            #expect(disks.devices == ["sda"] && all.devices == ["sda", "sda1"])
            try proc.write("diskstats", Self.old(reads: 1010, sectorsRead: 80100, writes: 405, sectorsWritten: 32016))
            // 0.5 s: 100 sectors × 512 / 0.5 = 102400 B/s read, 16 × 512 / 0.5 = 16384 B/s
            // written, 10 / 0.5 = 20 reads/s, 5 / 0.5 = 10 writes/s; sda1's 7 fields say the same.
            #expect(try disks.sample(at: seconds(0.5)).first?.line == "500,102400,16384,20,10,102400,16384,20,10")
            #expect(try all.sample(at: seconds(0.5)).first?.values.suffix(4) == [102400, 16384, 20, 10])
        }

        @Test func aResetCountsZero() throws {
            let proc = try ProcFixture()
            try proc.write("diskstats", Self.old(reads: 1000, sectorsRead: 80000, writes: 400, sectorsWritten: 32000))
            var sampler = try DiskSampler(procRoot: proc.root)
            try proc.write("diskstats", Self.old(reads: 10, sectorsRead: 100, writes: 4, sectorsWritten: 32))
            #expect(try sampler.sample(at: seconds(1)).first?.values.allSatisfy { $0 == 0 } == true)
        }

        @Test(arguments: [
            ("sda", true), ("sda1", false), ("nvme0n1", true), ("nvme0n1p1", false), ("mmcblk0", true), ("mmcblk0p2", false),
            ("xvda", true), ("xvda1", false), ("vda", true), ("sr0", true), ("nbd0", true),
            ("loop0", false), ("ram0", false), ("zram0", false), ("dm-0", false), ("md0", false),
        ])
        func wholeDisksAreNeitherPartitionsNorStackedDevices(_ name: String, _ whole: Bool) {
            let names: Set = ["sda", "sda1", "nvme0n1", "nvme0n1p1", "mmcblk0", "mmcblk0p2", "xvda", "xvda1", "vda", "sr0", "nbd0"]
            #expect(DiskSampler.isWholeDisk(name, among: names) == whole)
        }

        @Test func aLineOfTheWrongLengthIsAnError() throws {
            let proc = try ProcFixture()
            try proc.write("diskstats", "   8       0 sda 1 2 3 4 5 6 7\n")
            #expect(throws: ProbeError.malformed(path: proc.path("diskstats"), line: 1, problem: "10 fields: a device line has 14 or more (7 for a partition on 2.6 kernels)")) {
                try DiskSampler(procRoot: proc.root)
            }
        }
    }
}
