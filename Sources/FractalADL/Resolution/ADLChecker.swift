import FractalXML
import Fractal

/// The checks of an architecture that need no instantiation: bindings that lead somewhere and
/// join compatible interfaces, the shape of components, and (with a registry) that every
/// content class and signature is known.
struct ADLChecker {
    /// nil: structure only (names of classes and signatures are not looked up).
    var registry: Registry?
    /// The architecture was written for a Java implementation (a `classpath:` DOCTYPE): a
    /// Java-qualified class or signature the registry does not know is noted, not refused.
    var javaTypes = false

    static let javaTypePrefix = "written for a Java implementation:"

    func check(_ root: ComponentPlan) -> [Diagnostic] {
        var log = DiagnosticLog()
        check(root, root: root, isTop: true, log: &log)
        return log.diagnostics
    }

    private func check(_ plan: ComponentPlan, root: ComponentPlan, isTop: Bool, log: inout DiagnosticLog) {
        let functional = plan.interfaces.filter { !$0.isControl }
        do {
            _ = try ComponentType(functional.map(\.type))
        } catch let error as FractalError {
            let culprit = functional.first { $0.type.name == (error.interface ?? "") }
            log.error(culprit?.location ?? plan.location, error.message, notes: culprit?.origin ?? plan.origin)
        } catch {}

        if let controller = plan.controller, ControllerDescription(fractalName: controller) == nil {
            if Self.isControllerConfiguration(controller) {
                // ProActive's membranes are Java classes listed in such a file.
                log.note(plan.controllerLocation, "'\(controller)' is a ProActive controller configuration (Java controller classes): '\(plan.name)' gets the standard membrane of a \(plan.children.isEmpty ? "primitive" : "composite") here", notes: plan.origin)
            } else {
                log.error(plan.controllerLocation, "unknown controller description '\(controller)' (known: primitive, composite, parametricPrimitive, parametricComposite, or a ProActive configuration file path)", notes: plan.origin)
            }
        }
        if plan.contentClass != nil && !plan.children.isEmpty {
            let message = "'\(plan.name)' has both content and sub-components: ProActive composites keep their attributes in a content class; here a composite has no content"
            if registry == nil || javaTypes {
                log.warning(plan.contentLocation, message + " (it would be refused when instantiated)", notes: plan.origin)
            } else {
                log.error(plan.contentLocation, message + "; move the attributes to a primitive sub-component", notes: plan.origin)
            }
        }
        if let registry {
            if let contentClass = plan.contentClass, !registry.hasContentClass(contentClass) {
                if javaTypes && Self.isJavaQualified(contentClass) {
                    log.note(plan.contentLocation, "\(Self.javaTypePrefix) content class '\(contentClass)' is not registered here (a Java class?): not checked", notes: plan.contentOrigin)
                } else {
                    let known = registry.contentClassNames
                    log.error(plan.contentLocation, "unknown content class '\(contentClass)'\(known.isEmpty ? "" : " (registered: \(known.joined(separator: ", ")))")", notes: plan.contentOrigin)
                }
            }
            for interface in plan.interfaces where registry.signature(named: interface.type.signature) == nil {
                if javaTypes && Self.isJavaQualified(interface.type.signature) {
                    log.note(interface.location, "\(Self.javaTypePrefix) signature '\(interface.type.signature)' of interface '\(interface.type.name)' is not registered here (a Java interface?): bindings to it are checked by name only", notes: interface.origin)
                } else {
                    log.error(interface.location, "unknown signature '\(interface.type.signature)' of interface '\(interface.type.name)'", notes: interface.origin)
                }
            }
        }
        checkMembrane(of: plan, root: root, log: &log)
        checkBindings(of: plan, root: root, isTop: isTop, log: &log)
        for child in plan.children {
            switch child {
            case .plan(let childPlan):
                check(childPlan, root: root, isTop: false, log: &log)
            case .shared(_, let path, let location):
                if Self.find(path, in: root) == nil {
                    log.error(location, "no component at '\(path)' to share (paths start at the top component: ./name/name)", notes: plan.origin)
                }
            }
        }
    }

    /// A name in a Java package (`java.lang.Runnable`, `org.example.cafe.Service`): two package
    /// levels at least, in lower case. Registered names (`helloworld.Service`) and typos of
    /// them stay errors.
    static func isJavaQualified(_ name: String) -> Bool {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count >= 3 && parts.dropLast().allSatisfy { $0.first?.isLowercase == true }
    }

    /// A `desc` naming a ProActive controller-configuration file rather than a Fractal kind.
    static func isControllerConfiguration(_ desc: String) -> Bool {
        desc.hasSuffix(".xml") || desc.hasPrefix("/") || desc.contains("/")
    }

    /// The membrane's components, and that each end of its bindings names an interface of the
    /// component (`this`), of a membrane component or of a sub-component. Roles are not
    /// checked: GCM's membrane bindings join internal and external, functional and
    /// non-functional interfaces in every direction.
    private func checkMembrane(of plan: ComponentPlan, root: ComponentPlan, log: inout DiagnosticLog) {
        for component in plan.membrane { check(component, root: root, isTop: false, log: &log) }
        guard !plan.membraneBindings.isEmpty else { return }
        var ends: [String: [InterfaceType]] = ["this": plan.interfaces.map(\.type)]
        for child in plan.children {
            if case .plan(let childPlan) = child { ends[childPlan.name] = childPlan.interfaces.map(\.type) }
        }
        for component in plan.membrane { ends[component.name] = component.interfaces.map(\.type) }
        for binding in plan.membraneBindings {
            for (text, location, side) in [(binding.client, binding.clientLocation, "client"), (binding.server, binding.serverLocation, "server")] where !text.isEmpty {
                let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
                guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                    log.error(location, "membrane binding \(side) '\(text)' must be 'component.interface' or 'this.interface'", notes: plan.origin)
                    continue
                }
                guard let types = ends[parts[0]] else {
                    log.error(location, "no membrane or sub-component named '\(parts[0])' in '\(plan.name)' (it has: \(ends.keys.filter { $0 != "this" }.sorted().joined(separator: ", ")))", notes: plan.origin)
                    continue
                }
                // A sub-component's controller interfaces are its own membrane's: not always declared here.
                let standard = parts[0] == "this" && side == "server" && parts[1] == "attribute-controller"
                let declared = standard || types.contains { $0.name == parts[1] || ($0.isCollection && parts[1].hasPrefix($0.name)) }
                let isSubComponent = parts[0] != "this" && !plan.membrane.contains { $0.name == parts[0] }
                if !declared && !isSubComponent {
                    log.error(location, "'\(parts[0])' has no interface '\(parts[1])' (it has: \(types.map(\.name).joined(separator: ", ")))", notes: plan.origin)
                }
            }
        }
    }

    /// The plan at `./a/b` below `root`.
    static func find(_ path: String, in root: ComponentPlan) -> ComponentPlan? {
        var current = root
        for name in path.split(separator: "/") where name != "." && !name.isEmpty {
            guard let next = current.children.lazy.compactMap({ child -> ComponentPlan? in
                if case .plan(let plan) = child, plan.name == name { return plan }
                return nil
            }).first else { return nil }
            current = next
        }
        return current
    }

    private enum End {
        case this(ComponentPlan.PlannedInterface)
        case child(String, ComponentPlan.PlannedInterface)
    }

    private func checkBindings(of plan: ComponentPlan, root: ComponentPlan, isTop: Bool, log: inout DiagnosticLog) {
        var childInterfaces: [String: [ComponentPlan.PlannedInterface]] = [:]
        for child in plan.children {
            switch child {
            // A sub-component's external membrane interfaces are bound like its functional ones.
            case .plan(let childPlan): childInterfaces[childPlan.name] = childPlan.interfaces.filter { !$0.isInternal }
            case .shared(let name, let path, _): childInterfaces[name] = Self.find(path, in: root)?.interfaces.filter { !$0.isInternal }
            }
        }
        // Sub-components may call the membrane's internal server interfaces.
        let own = plan.interfaces.filter { !$0.isControl || ($0.isInternal && $0.type.role == .server) }
        var boundClients: [String: Int] = [:]

        func resolve(_ text: String, at location: SourceLocation, side: String) -> End? {
            let parts = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                log.error(location, "binding \(side) '\(text)' must be 'component.interface' or 'this.interface'", notes: plan.origin)
                return nil
            }
            let (componentName, interfaceName) = (parts[0], parts[1])
            if componentName == "this" {
                guard let interface = Self.interface(interfaceName, in: own) else {
                    log.error(location, "'\(plan.name)' has no interface '\(interfaceName)' (bad this.\(interfaceName): this names the enclosing definition; it has: \(own.map(\.type.name).joined(separator: ", ")))", notes: plan.origin)
                    return nil
                }
                return .this(interface)
            }
            guard let interfaces = childInterfaces[componentName] else {
                let names = plan.children.map(\.name)
                log.error(location, "no sub-component named '\(componentName)' in '\(plan.name)'\(names.isEmpty ? "" : " (it has: \(names.joined(separator: ", ")))")", notes: plan.origin)
                return nil
            }
            guard let interface = Self.interface(interfaceName, in: interfaces) else {
                log.error(location, "component '\(componentName)' has no interface '\(interfaceName)' (it has: \(interfaces.map(\.type.name).joined(separator: ", ")))", notes: plan.origin)
                return nil
            }
            return .child(componentName, interface)
        }

        // A binding without one of its attributes is reported by the DTD already.
        for binding in plan.bindings where !binding.client.isEmpty && !binding.server.isEmpty {
            let client = resolve(binding.client, at: binding.clientLocation, side: "client")
            let server = resolve(binding.server, at: binding.serverLocation, side: "server")
            guard let client, let server else { continue }
            let clientType: InterfaceType
            let serverType: InterfaceType
            switch client {
            case .this(let interface):
                guard interface.type.role == .server, !interface.isInternal else {
                    log.error(binding.clientLocation, "bad this usage: '\(binding.client)' is a client interface of '\(plan.name)'; as a binding's client, this.<name> must be one of its server interfaces (an export)", notes: plan.origin)
                    continue
                }
                clientType = interface.type
            case .child(_, let interface):
                guard interface.type.role == .client else {
                    log.error(binding.clientLocation, "'\(binding.client)' is a server interface: a binding starts at a client interface", notes: plan.origin)
                    continue
                }
                clientType = interface.type
            }
            switch server {
            case .this(let interface):
                guard interface.type.role == .client || interface.isInternal else {
                    log.error(binding.serverLocation, "bad this usage: '\(binding.server)' is a server interface of '\(plan.name)'; as a binding's server, this.<name> must be one of its client interfaces (an import)", notes: plan.origin)
                    continue
                }
                serverType = interface.type
            case .child(_, let interface):
                guard interface.type.role == .server else {
                    log.error(binding.serverLocation, "client-to-client binding: '\(binding.server)' is a client interface; bind '\(binding.client)' to a server interface", notes: plan.origin)
                    continue
                }
                serverType = interface.type
            }
            if clientType.cardinality != .multicast {
                boundClients[binding.client, default: 0] += 1
                if boundClients[binding.client]! > 1 {
                    log.error(binding.location, "'\(binding.client)' is bound twice; only a multicast interface takes several servers", notes: plan.origin)
                }
            }
            // Without a registry the subtyping of signatures is unknown (Java's was the JVM's):
            // structure only compares no signatures.
            if let registry, registry.signature(named: serverType.signature) != nil, registry.signature(named: clientType.signature) != nil,
               !registry.isSubsignature(serverType.signature, of: clientType.signature) {
                if clientType.cardinality == .multicast || serverType.cardinality == .gathercast {
                    log.note(binding.location, "collective binding between different signatures (\(clientType.signature) → \(serverType.signature)): GCM's multicast and gathercast rules (lists on one side, elements on the other) are not checked here", notes: plan.origin)
                } else {
                    log.error(binding.location, "type mismatch: '\(binding.client)' is a \(clientType.signature), '\(binding.server)' a \(serverType.signature), which is not a \(clientType.signature)", notes: plan.origin)
                }
            }
            if !clientType.isOptional && serverType.isOptional {
                log.error(binding.location, "mandatory '\(binding.client)' is bound to optional '\(binding.server)'", notes: plan.origin)
            }
        }

        let bound = Set(plan.bindings.map(\.client))
        for child in plan.children {
            guard case .plan(let childPlan) = child else { continue }
            for interface in childPlan.interfaces where !interface.isControl && interface.type.role == .client && !interface.type.isOptional {
                let name = "\(childPlan.name).\(interface.type.name)"
                let isBound = interface.type.isCollection ? bound.contains { $0.hasPrefix(name) } : bound.contains(name)
                if !isBound {
                    log.warning(interface.location, "mandatory client interface '\(name)' is not bound: '\(plan.name)' cannot start", notes: interface.origin)
                }
            }
        }
        if !plan.children.isEmpty || plan.isComposite {
            for interface in own where interface.type.role == .server && !interface.isControl && !interface.type.isOptional && !bound.contains("this.\(interface.type.name)") {
                log.warning(interface.location, "mandatory server interface '\(interface.type.name)' of composite '\(plan.name)' is not exported from a sub-component: '\(plan.name)' cannot start", notes: interface.origin)
            }
        }
    }

    private static func interface(_ name: String, in interfaces: [ComponentPlan.PlannedInterface]) -> ComponentPlan.PlannedInterface? {
        interfaces.first { $0.type.name == name }
            ?? interfaces.first { $0.type.isCollection && name.hasPrefix($0.type.name) }
    }
}
