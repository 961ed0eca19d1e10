// Injector vs peers: wrk, our injector (`clif run` on a .xis scenario), Locust FastHttpUser,
// h2load and hey, one after the other in one run, against the same nginx serving a 12-byte
// file on 127.0.0.1. nginx has one worker pinned to core 0, each generator is pinned to core 1,
// 16 keep-alive connections each; requests are counted from nginx's access log, not from the
// tools. Prints requests/s per tool and the ratios to wrk and to Locust.
//
//   swift build -c release --product clif && swift run -c release InjectorVsPeers [seconds]
//
// Needs nginx, wrk, h2load (nghttp2-client), hey (Debian) and locust (PyPI); a missing peer is
// reported and skipped.
import Foundation

let seconds = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 10
let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
let folder = NSTemporaryDirectory() + "injector-vs-peers-\(ProcessInfo.processInfo.processIdentifier)"
let port = 18_000 + Int(ProcessInfo.processInfo.processIdentifier % 1_000)
let url = "http://127.0.0.1:\(port)/index.html"

func which(_ tool: String) -> String? {
    for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
        let path = "\(directory)/\(tool)"
        if FileManager.default.isExecutableFile(atPath: path) { return path }
    }
    return nil
}

@discardableResult
func run(_ arguments: [String], quiet: Bool = true) throws -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    if quiet {
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
    }
    try process.run()
    process.waitUntilExit()
    return process.terminationStatus
}

func loggedRequests() -> Int {
    guard let text = try? String(contentsOfFile: folder + "/access.log", encoding: .utf8) else { return 0 }
    return text.utf8.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
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
try nginx.run()
defer {
    nginx.terminate()
    nginx.waitUntilExit()
    try? FileManager.default.removeItem(atPath: folder)
}
usleep(500_000)

// Our scenario, aimed at this nginx.
let scenario = try String(contentsOfFile: package + "/Benchmarks/InjectorVsPeers/get.xis", encoding: .utf8)
    .replacingOccurrences(of: "127.0.0.1:18080", with: "127.0.0.1:\(port)")
    .replacingOccurrences(of: "point x=\"10\"", with: "point x=\"\(seconds)\"")
try scenario.write(toFile: folder + "/get.xis", atomically: true, encoding: .utf8)
let clif = package + "/.build/release/clif"

struct Peer {
    var name: String
    var tool: String
    var arguments: [String]
}

let peers = [
    Peer(name: "wrk", tool: "wrk", arguments: ["wrk", "-t1", "-c16", "-d\(seconds)s", url]),
    Peer(name: "clif (ours)", tool: clif, arguments: [clif, "run", folder + "/get.xis", "--threads", "1", "--quiet"]),
    Peer(name: "locust FastHttpUser", tool: "locust", arguments: ["locust", "-f", package + "/Benchmarks/InjectorVsPeers/locustfile.py", "--headless",
                                                                  "-u", "16", "-r", "16", "-t", "\(seconds)s", "--host", "http://127.0.0.1:\(port)",
                                                                  "--only-summary", "--loglevel", "ERROR"]),
    Peer(name: "h2load --h1", tool: "h2load", arguments: ["h2load", "--h1", "-t1", "-c16", "-D", "\(seconds)", url]),
    Peer(name: "hey", tool: "hey", arguments: ["hey", "-z", "\(seconds)s", "-c", "16", url]),
]

var rates: [String: Double] = [:]
print("\(seconds) s each, 16 connections, nginx on core 0, generator on core 1; requests counted in nginx's access log")
for peer in peers {
    guard peer.tool.hasPrefix("/") ? FileManager.default.isExecutableFile(atPath: peer.tool) : which(peer.tool) != nil else {
        print("\(peer.name): not installed, skipped")
        continue
    }
    let before = loggedRequests()
    let start = Date()
    let status = try run(["taskset", "-c", "1"] + peer.arguments)
    let elapsed = Date().timeIntervalSince(start)
    usleep(200_000)
    let counted = loggedRequests() - before
    // The tools' own start-up (Python's for Locust) is not load: divide by the load's length.
    let rate = Double(counted) / Double(seconds)
    rates[peer.name] = rate
    print("\(peer.name.padding(toLength: 22, withPad: " ", startingAt: 0)) \(String(format: "%9.0f", rate)) req/s  (\(counted) requests, exit \(status), \(String(format: "%.1f", elapsed)) s wall)")
}
if let ours = rates["clif (ours)"] {
    if let wrk = rates["wrk"] { print(String(format: "clif / wrk    = %.2f  (goal ≥ 0.9)", ours / wrk)) }
    if let locust = rates["locust FastHttpUser"] { print(String(format: "clif / locust = %.1f  (goal ≥ 10)", ours / locust)) }
    if let h2load = rates["h2load --h1"] { print(String(format: "clif / h2load = %.2f", ours / h2load)) }
    if let hey = rates["hey"] { print(String(format: "clif / hey    = %.2f", ours / hey)) }
}
