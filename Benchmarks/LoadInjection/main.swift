// The injector's benchmarks, each in one run against one nginx serving a 12-byte file on
// 127.0.0.1 (one worker pinned to core 0; every load generator pinned to core 1), requests
// counted from nginx's access log, not from the tools:
//
//   peers   wrk, our injector (`clif run` on get.xis: one behaviour, one GET, no think time,
//           16 sessions), Locust FastHttpUser, h2load and hey, 16 keep-alive connections each;
//           prints requests/s and our ratio to each
//   open    `clif run --rate` on get-once.xis at 5,000 and 20,000 arrivals/s: achieved rate against the target,
//           p99 of (actual send − intended send), dropped arrivals
//   memory  resident memory of `clif run` with 10,000 and 100,000 sessions in think time,
//           against 1 session
//
//   swift build -c release --product clif && swift run -c release LoadInjection [peers|open|memory] [--seconds N]
//
// Needs nginx, wrk, h2load (nghttp2-client), hey (Debian) and locust (PyPI); a missing peer is
// reported and skipped.
import Foundation

/// A line out at once, also into a pipe.
func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

let arguments = Array(CommandLine.arguments.dropFirst())
let seconds = arguments.firstIndex(of: "--seconds").flatMap { arguments.indices.contains($0 + 1) ? Int(arguments[$0 + 1]) : nil } ?? 10
let parts = Set(arguments.filter { ["peers", "open", "memory"].contains($0) })
let wanted = parts.isEmpty ? ["peers", "open", "memory"] : ["peers", "open", "memory"].filter(parts.contains)
let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
let here = package + "/Benchmarks/LoadInjection"
let folder = NSTemporaryDirectory() + "load-injection-\(ProcessInfo.processInfo.processIdentifier)"
let port = 18_000 + Int(ProcessInfo.processInfo.processIdentifier % 1_000)
let url = "http://127.0.0.1:\(port)/index.html"
let clif = package + "/.build/release/clif"

func which(_ tool: String) -> String? {
    if tool.hasPrefix("/") { return FileManager.default.isExecutableFile(atPath: tool) ? tool : nil }
    for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
        let path = "\(directory)/\(tool)"
        if FileManager.default.isExecutableFile(atPath: path) { return path }
    }
    return nil
}

/// Runs a command on core 1; returns its exit status and standard output.
@discardableResult
func pinned(_ arguments: [String], whileRunning watch: ((Int32) -> Void)? = nil) throws -> (Int32, String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/taskset")
    process.arguments = ["-c", "1"] + arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    watch?(process.processIdentifier)
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

func loggedRequests() -> Int {
    guard let data = FileManager.default.contents(atPath: folder + "/access.log") else { return 0 }
    return data.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
}

/// A scenario file of ours, aimed at this nginx.
func scenario(_ name: String, seconds: Int) throws -> String {
    let text = try String(contentsOfFile: "\(here)/\(name)", encoding: .utf8)
        .replacingOccurrences(of: "127.0.0.1:18080", with: "127.0.0.1:\(port)")
        .replacingOccurrences(of: "point x=\"10\"", with: "point x=\"\(seconds)\"")
    let path = "\(folder)/\(name)"
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}

guard which(clif) != nil else {
    say("build the injector first: swift build -c release --product clif")
    exit(1)
}

// nginx: one worker on core 0.
try FileManager.default.createDirectory(atPath: folder + "/html", withIntermediateDirectories: true)
try "hello world\n".write(toFile: folder + "/html/index.html", atomically: true, encoding: .utf8)
try """
worker_processes 1;
worker_cpu_affinity 01;
daemon off;
pid \(folder)/nginx.pid;
error_log \(folder)/error.log warn;
events { worker_connections 4096; }
http {
    access_log \(folder)/access.log;
    keepalive_requests 100000000;
    client_body_temp_path \(folder)/body; proxy_temp_path \(folder)/proxy; fastcgi_temp_path \(folder)/fastcgi;
    uwsgi_temp_path \(folder)/uwsgi; scgi_temp_path \(folder)/scgi;
    server { listen 127.0.0.1:\(port); root \(folder)/html; }
}
""".write(toFile: folder + "/nginx.conf", atomically: true, encoding: .utf8)
let nginx = Process()
nginx.executableURL = URL(fileURLWithPath: which("nginx") ?? "/usr/sbin/nginx")
nginx.arguments = ["-c", folder + "/nginx.conf", "-p", folder, "-e", folder + "/error.log"]
nginx.standardError = FileHandle.nullDevice
try nginx.run()
defer {
    nginx.terminate()
    nginx.waitUntilExit()
    try? FileManager.default.removeItem(atPath: folder)
}
usleep(500_000)

// MARK: peers

if wanted.contains("peers") {
    let get = try scenario("get.xis", seconds: seconds)
    let peers: [(name: String, tool: String, arguments: [String])] = [
        ("wrk", "wrk", ["wrk", "-t1", "-c16", "-d\(seconds)s", url]),
        ("clif (ours)", clif, [clif, "run", get, "--threads", "1", "--quiet"]),
        ("locust FastHttpUser", "locust", ["locust", "-f", here + "/locustfile.py", "--headless", "-u", "16", "-r", "16", "-t", "\(seconds)s",
                                           "--host", "http://127.0.0.1:\(port)", "--only-summary", "--loglevel", "ERROR"]),
        ("h2load --h1", "h2load", ["h2load", "--h1", "-t1", "-c16", "-D", "\(seconds)", url]),
        ("hey", "hey", ["hey", "-z", "\(seconds)s", "-c", "16", url]),
    ]
    var rates: [String: Double] = [:]
    say("peers: \(seconds) s each, 16 connections, nginx on core 0, each generator on core 1; requests counted in nginx's access log")
    for peer in peers {
        guard which(peer.tool) != nil else {
            say("  \(peer.name): not installed, skipped")
            continue
        }
        let before = loggedRequests()
        let start = Date()
        let (status, _) = try pinned(peer.arguments)
        let elapsed = Date().timeIntervalSince(start)
        usleep(300_000)
        let counted = loggedRequests() - before
        // A tool's own start-up (Python's for Locust) is not load: divide by the load's length.
        rates[peer.name] = Double(counted) / Double(seconds)
        say("  \(peer.name.padding(toLength: 20, withPad: " ", startingAt: 0)) \(String(format: "%8.0f", rates[peer.name]!)) req/s  (\(counted) requests, exit \(status), \(String(format: "%.1f", elapsed)) s)")
    }
    if let ours = rates["clif (ours)"] {
        for (name, goal) in [("wrk", " (goal ≥ 0.9)"), ("locust FastHttpUser", " (goal ≥ 10)"), ("h2load --h1", ""), ("hey", "")] {
            if let rate = rates[name], rate > 0 { say("  clif / \(name) = \(String(format: "%.2f", ours / rate))\(goal)") }
        }
    }
}

// MARK: open

if wanted.contains("open") {
    let get = try scenario("get-once.xis", seconds: seconds)
    say("open model: \(seconds) s at each rate, --max-sessions 256, clif on core 1")
    for rate in [5_000, 20_000] {
        let before = loggedRequests()
        let (_, output) = try pinned([clif, "run", get, "--rate", String(rate), "--duration", "\(seconds)s", "--max-sessions", "256", "--threads", "1", "--quiet"])
        usleep(300_000)
        let counted = loggedRequests() - before
        let achieved = Double(counted) / Double(seconds)
        let lag = output.components(separatedBy: "sent late by p99 ").dropFirst().first?.split(separator: " ").first.map(String.init) ?? "?"
        let dropped = output.components(separatedBy: "dropped arrivals: ").dropFirst().first?.prefix { $0.isNumber } ?? "?"
        say("  \(rate)/s: achieved \(String(format: "%.1f", achieved))/s (\(String(format: "%+.2f", (achieved / Double(rate) - 1) * 100)) %, goal within 1 %), "
              + "sent late by p99 \(lag) ms (goal < 1 ms), dropped \(dropped) (goal 0)")
    }
}

// MARK: memory

if wanted.contains("memory") {
    let think = try scenario("think.xis", seconds: seconds)
    func residentKiB(_ pid: Int32) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }) else { return 0 }
        return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
    }
    func resident(users: Int) throws -> Int {
        var measured = 0
        try pinned([clif, "run", think, "--users", String(users), "--duration", "8s", "--threads", "1", "--quiet"]) { pid in
            // taskset execs clif in place: the pid is clif's. Sessions start at once; read at 6 s.
            usleep(6_000_000)
            measured = residentKiB(pid)
        }
        return measured
    }
    say("memory: resident set of clif run with sessions in think time, read at 6 s")
    let base = try resident(users: 1)
    say("  1 session: \(base) KiB")
    for users in [10_000, 100_000] {
        let rss = try resident(users: users)
        let per = Double(rss - base) * 1024 / Double(users)
        say("  \(users) sessions: \(rss) KiB, \(String(format: "%.0f", per)) bytes per session (goal < 10 KiB)")
    }
}
