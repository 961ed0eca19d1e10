import Fractal

/// The content classes and signatures of the HelloWorld, census and monitoring examples, by
/// the names their architecture files use (`ADL/HelloWorld.fractal`, `ADL/helloworld/`,
/// `ADL/census/`, `ADL/monitoring/`).
public enum HelloWorldComponents {
    public static func register(in registry: Registry = .shared) {
        registry.register(ServiceProxy.self)
        registry.registerContent("helloworld.ClientImpl") { ClientImpl() }
        registry.registerContent("helloworld.ServerImpl") { ServerImpl() }
        registry.registerContent("helloworld.BroadcastClientImpl") { BroadcastClientImpl() }
        registry.register(ProbeProxy.self)
        registry.register(TallyProxy.self)
        registry.register(SurveyProxy.self)
        registry.registerContent("census.Surveyor") { SurveyorImpl() }
        registry.registerContent("census.Probe") { ProbeImpl() }
        registry.registerContent("census.Tally") { TallyImpl() }
        registry.register(MonitorProxy.self)
        registry.registerContent("monitoring.CallCounter") { CallCounterImpl() }
        registry.registerContent("monitoring.Client") { MonitoredClientImpl() }
    }

    /// The same architecture built in Swift code instead of ADL.
    public static func makeInCode(header: String = "->", count: Int = 1) throws -> Component {
        let runType = InterfaceType(name: "r", signature: RunnableProxy.self, role: .server)
        let serviceType = InterfaceType(name: "s", signature: ServiceProxy.self, role: .server)
        let helloWorld = try Component.composite("HelloWorld", type: ComponentType([runType]))
        let client = try Component.primitive(
            "client", type: ComponentType([runType, InterfaceType(name: "s", signature: ServiceProxy.self, role: .client)]),
            content: ClientImpl())
        let server = try Component.primitive("server", type: ComponentType([serviceType]), content: ServerImpl())
        try helloWorld.contentController.add(client)
        try helloWorld.contentController.add(server)
        try helloWorld.bindingController.bind("r", to: client.interface(named: "r"))
        try client.bindingController.bind("s", to: server.interface(named: "s"))
        try server.attributeController.set("header", header)
        try server.attributeController.set("count", count)
        return helloWorld
    }
}
