import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An nginx of the test's own on 127.0.0.1: one worker, a 12-byte file, an access log the test
/// counts requests in. `scripts/install-test-servers` installs nginx.
final class Nginx: @unchecked Sendable {
    let folder: String
    let port: Int
    private let process: Process

    var baseURL: String { "http://127.0.0.1:\(port)" }
    var accessLog: String { folder + "/access.log" }

    /// With `timed`, each access-log line starts with its time (`$msec`, seconds since 1970
    /// with milliseconds).
    init(timed: Bool = false) throws {
        folder = NSTemporaryDirectory() + "clif-nginx-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder + "/html", withIntermediateDirectories: true)
        try "hello world\n".write(toFile: folder + "/html/index.html", atomically: true, encoding: .utf8)
        port = try Self.freePort()
        let configuration = """
        worker_processes 1;
        daemon off;
        pid \(folder)/nginx.pid;
        error_log \(folder)/error.log warn;
        events { worker_connections 4096; }
        http {
            log_format counted '\(timed ? "$msec " : "")$status $request_method $request_uri';
            access_log \(folder)/access.log counted;
            client_body_temp_path \(folder)/body; proxy_temp_path \(folder)/proxy; fastcgi_temp_path \(folder)/fastcgi;
            uwsgi_temp_path \(folder)/uwsgi; scgi_temp_path \(folder)/scgi;
            keepalive_requests 1000000;
            server {
                listen 127.0.0.1:\(port);
                root \(folder)/html;
                location /echo { return 200 "echo $request_method\\n"; }
                location /json { default_type application/json; return 200 '{"user":{"id":42,"name":"ada"}}'; }
                location /login { add_header Set-Cookie "sid=s$connection_requests; Path=/"; return 200 "welcome\n"; }
                location /whoami { return 200 "cookie=$http_cookie\n"; }
            }
        }
        """
        try configuration.write(toFile: folder + "/nginx.conf", atomically: true, encoding: .utf8)
        process = Process()
        process.executableURL = URL(fileURLWithPath: Self.executable())
        process.arguments = ["-c", folder + "/nginx.conf", "-p", folder, "-e", folder + "/error.log"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        try waitUntilListening()
    }

    /// Stops nginx gracefully (it finishes and logs what it served) and waits for it to exit.
    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGQUIT)
        process.waitUntilExit()
    }

    deinit {
        if process.isRunning { process.terminate(); process.waitUntilExit() }
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// Lines of the access log (after ``stop()``, every request nginx answered).
    func loggedRequests() throws -> [String] {
        let text = try String(contentsOfFile: accessLog, encoding: .utf8)
        return text.split(separator: "\n").map(String.init)
    }

    private static func executable() -> String {
        for path in ["/usr/sbin/nginx", "/usr/bin/nginx", "/usr/local/sbin/nginx"] where FileManager.default.isExecutableFile(atPath: path) { return path }
        return "/usr/sbin/nginx"
    }

    /// Connects until nginx accepts, observing it listen (up to 10 s).
    private func waitUntilListening() throws {
        for _ in 0..<1_000 {
            if Self.canConnect(port) { return }
            guard process.isRunning else {
                let log = (try? String(contentsOfFile: folder + "/error.log", encoding: .utf8)) ?? ""
                throw TestFailure("nginx exited at start (is it installed? run scripts/install-test-servers): \(log)")
            }
            usleep(10_000)
        }
        throw TestFailure("nginx did not listen on 127.0.0.1:\(port)")
    }

    static func canConnect(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    /// A port nothing listens on now (the kernel's choice for port 0).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw TestFailure("no free port") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
