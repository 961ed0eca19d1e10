import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `clif run PLAN.ctp --metrics`: the live figures for Prometheus.
@Suite("Prometheus endpoint")
struct MetricsEndpointTests {
    /// A plain HTTP/1.0 GET on 127.0.0.1; the body, or nil when nothing answers.
    static func get(port: Int, path: String) -> String? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard connected == 0 else { return nil }
        let request = "GET \(path) HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n"
        _ = request.withCString { send(fd, $0, strlen($0), 0) }
        var response = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count <= 0 { break }
            response += buffer[..<count]
            if let text = String(bytes: response, encoding: .utf8), let split = text.range(of: "\r\n\r\n"),
               let length = text[..<split.lowerBound].split(separator: "\r\n").first(where: { $0.lowercased().hasPrefix("content-length:") })
                .flatMap({ Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) }),
               text.utf8.count - text.utf8.distance(from: text.utf8.startIndex, to: split.upperBound.samePosition(in: text.utf8)!) >= length {
                break
            }
        }
        guard let text = String(bytes: response, encoding: .utf8), let split = text.range(of: "\r\n\r\n") else { return nil }
        return String(text[split.upperBound...])
    }

    @Test func theLiveFiguresOfARunningTestAreServedForPrometheus() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: ClifCommandTests.clif), "no \(ClifCommandTests.clif): build it with swift build")
        let nginx = try Nginx()
        defer { nginx.stop() }
        let folder = NSTemporaryDirectory() + "clif-metrics-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        _ = try loopingGetScenario(base: nginx.baseURL, in: folder, users: 2)
        try "blade.0.id=inj1\nblade.0.server=local host\nblade.0.injector=IsacRunner\nblade.0.argument=get.xis\n"
            .write(toFile: folder + "/plan.ctp", atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ClifCommandTests.clif)
        process.arguments = ["run", folder + "/plan.ctp", "--metrics", "127.0.0.1:0", "--report", folder + "/report", "--quiet"]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        // A line on standard error says where the metrics are.
        let announced = try await offThePool { () -> String in
            var announced = ""
            while !announced.hasPrefix("metrics: ") {
                var line = Data()
                while !line.contains(0x0A) {
                    let byte = errors.fileHandleForReading.readData(ofLength: 1)
                    if byte.isEmpty { break }
                    line.append(byte)
                }
                if line.isEmpty { break }
                announced = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .newlines)
            }
            return announced
        }
        // Keep reading what it says, so that it never blocks on a full pipe.
        let reader = errors.fileHandleForReading
        Thread { while !reader.availableData.isEmpty {} }.start()
        let port = try #require(announced.split(separator: ":").last.flatMap { Int($0.split(separator: "/").first ?? "") }, "\(announced)")
        var text = ""
        try await eventually("the running blade in the metrics", limit: 30) {
            text = Self.get(port: port, path: "/metrics") ?? ""
            return text.contains(#"clif_blade_state{blade="inj1"} 6"#) && !text.contains("clif_requests_per_second 0.0\n")
        }
        #expect(text.contains("clif_latency_p99_seconds"))
        #expect(text.contains("# TYPE clif_errors_total counter"))
        #expect(Self.get(port: port, path: "/other")?.contains("/metrics") == true)
        kill(process.processIdentifier, SIGINT)
        try await offThePool { process.waitUntilExit() }
        #expect(process.terminationStatus == 130)
    }
}
