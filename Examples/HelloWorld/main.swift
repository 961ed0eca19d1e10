import Fractal

// The classic Fractal example: a composite whose `r` interface is exported from a client
// primitive, which calls a server primitive through its `s` interface.
//
//   HelloWorld ─ r ─> client ─ s ─> server (header, count)

let mainType = try ComponentType([
    InterfaceType(name: "r", signature: MainProxy.self, role: .server),
])
let clientType = try ComponentType([
    InterfaceType(name: "r", signature: MainProxy.self, role: .server),
    InterfaceType(name: "s", signature: ServiceProxy.self, role: .client),
])
let serverType = try ComponentType([
    InterfaceType(name: "s", signature: ServiceProxy.self, role: .server),
])

let helloWorld = try Component.composite("HelloWorld", type: mainType)
let client = try Component.primitive("client", type: clientType, content: ClientImpl())
let server = try Component.primitive("server", type: serverType, content: ServerImpl())

try helloWorld.contentController.add(client)
try helloWorld.contentController.add(server)
try helloWorld.bindingController.bind("r", to: client.interface(named: "r"))
try client.bindingController.bind("s", to: server.interface(named: "s"))
try server.attributeController.set("header", string: "-> ")
try server.attributeController.set("count", string: "2")

try await helloWorld.lifeCycleController.start()
try await helloWorld.interface(named: "r").callable(as: (any Main).self).run()
try await helloWorld.lifeCycleController.stop()
