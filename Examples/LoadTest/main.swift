import ClifLauncher
import ClifTesting
import Foundation

// The load-test example: a system under test of its own (a stub HTTP server on 127.0.0.1:8089)
// and `clif run` on scenarios/browse.xis against it. Arguments after the name go to `clif run`
// (`swift run LoadTest --duration 5s --report report`).
let scenario = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("scenarios/browse.xis").path
let server: StubHTTPServer
do {
    server = try await StubHTTPServer.start(port: 8089, behavior: .respond("<html>the shop</html>\n"))
} catch {
    FileHandle.standardError.write(Data("LoadTest: cannot listen on 127.0.0.1:8089 (\(error)); is another LoadTest running?\n".utf8))
    exit(1)
}
print("system under test: \(server.baseURL), a StubHTTPServer of ClifTesting")
print("scenario: \(scenario)\n")
await ClifCommand.launch(["run", scenario] + CommandLine.arguments.dropFirst())
print("the server answered \(server.served) requests")
await server.stop()
