import ClifLauncher
import Foundation
import Fractal

// The load-test example, a distributed CLIF test out of the box:
// - the system under test, a shop (ShopServer: a SwiftNIO HTTP server component) on 127.0.0.1:8089;
// - plans/shop.ctp: two injector blades, each on its own node process started for the test
//   (deployments/two-local-nodes.xml), and a CPU probe on the first node;
// - a live line a second, the quick statistics, the CLIF report directory and the HTML report.
// Arguments after the name go to `clif run` (`swift run LoadTest --duration 5s`).
let arguments = Array(CommandLine.arguments.dropFirst())
// The node processes of the deployment are this executable too: `LoadTest node --listen …`.
if arguments.first == "node" {
    await ClifCommand.launch(arguments)
    exit(0)
}

let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
let plan = folder.appendingPathComponent("plans/shop.ctp").path
let deployment = folder.appendingPathComponent("deployments/two-local-nodes.xml").path
let shop: Component
do {
    shop = try ShopServer.component()
    try await shop.lifeCycleController.start()
} catch {
    FileHandle.standardError.write(Data("LoadTest: cannot start the shop on 127.0.0.1:8089 (\(error)); is another LoadTest running?\n".utf8))
    exit(1)
}
print("system under test: http://127.0.0.1:8089, the ShopServer component")
print("test plan: \(plan)\ndeployment: \(deployment)\n")
let status = await ClifCommand.status(of: ["run", plan, "--deployment", deployment, "--report", "report"] + arguments)
let served = (try? await shop.interface(named: "counters").callable(as: (any ShopCounters).self).served()) ?? 0
print("the shop answered \(served) requests")
try? await shop.lifeCycleController.stop()
exit(status)
