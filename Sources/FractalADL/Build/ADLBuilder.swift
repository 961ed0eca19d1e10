import FractalXML
import Fractal

/// Instantiates a ``ComponentPlan`` through the core factory: creates the components, adds
/// sub-components (shared ones once), sets attributes and binds. Components are left stopped.
///
/// Every problem the runtime reports is turned into a diagnostic at the element it came from.
struct ADLBuilder {
    let registry: Registry

    func build(_ plan: ComponentPlan) -> (component: Component?, diagnostics: [Diagnostic]) {
        var log = DiagnosticLog()
        var made: [String: Component] = [:]
        guard let top = create(plan, path: ".", made: &made, log: &log) else { return (nil, log.diagnostics) }
        assemble(plan, component: top, path: ".", made: made, log: &log)
        return (top, log.diagnostics)
    }

    private func create(_ plan: ComponentPlan, path: String, made: inout [String: Component], log: inout DiagnosticLog) -> Component? {
        let functional = plan.interfaces.filter { !$0.isControl }
        let component: Component
        do {
            let type = try ComponentType(functional.map(\.type))
            let factory = GenericFactory(registry: registry)
            if plan.isComposite {
                var description = ControllerDescription.composite
                if let controller = plan.controller, let named = ControllerDescription(fractalName: controller) { description = named }
                component = try factory.newInstance(plan.name, type: type, controller: description)
            } else {
                guard let contentClass = plan.contentClass else {
                    log.error(plan.location, "'\(plan.name)' has neither content nor sub-components: add <content class=\"…\"/>, or sub-components", notes: plan.origin)
                    return nil
                }
                component = try factory.newInstance(plan.name, type: type, controller: .primitive, content: .className(contentClass))
            }
        } catch let error as FractalError {
            let (location, origin) = place(of: error, in: plan)
            log.error(location, error.message, notes: origin)
            return nil
        } catch {
            log.error(plan.location, "\(error)", notes: plan.origin)
            return nil
        }
        made[path] = component
        if !plan.attributes.isEmpty {
            do {
                let controller = try component.attributeController
                for attribute in plan.attributes {
                    do {
                        try controller.set(attribute.name, string: attribute.value)
                    } catch let error as FractalError {
                        let at = error.kind == .noSuchAttribute ? attribute.nameLocation : attribute.location
                        log.error(at, error.message, notes: attribute.origin)
                    } catch {}
                }
            } catch {
                log.error(plan.attributesLocation ?? plan.attributes[0].location,
                          "'\(plan.name)' sets attributes, but its content declares none", notes: plan.attributes[0].origin)
            }
        }
        for child in plan.children {
            if case .plan(let childPlan) = child {
                _ = create(childPlan, path: path + "/" + childPlan.name, made: &made, log: &log)
            }
        }
        return component
    }

    private func assemble(_ plan: ComponentPlan, component: Component, path: String, made: [String: Component], log: inout DiagnosticLog) {
        var children: [String: Component] = [:]
        for child in plan.children {
            let childPath: String
            let location: SourceLocation
            switch child {
            case .plan(let childPlan):
                childPath = path + "/" + childPlan.name
                location = childPlan.location
            case .shared(_, let sharedPath, let sharedLocation):
                // `./a/b` and `/a/b` both start at the top component, whose path here is ".".
                childPath = "." + (sharedPath.hasPrefix("./") ? String(sharedPath.dropFirst())
                                   : sharedPath.hasPrefix("/") ? sharedPath : "/" + sharedPath)
                location = sharedLocation
            }
            guard let sub = made[childPath] else { continue }
            children[child.name] = sub
            do {
                try component.contentController.add(sub)
            } catch let error as FractalError {
                log.error(location, error.message, notes: plan.origin)
            } catch {}
            if case .plan(let childPlan) = child {
                assemble(childPlan, component: sub, path: childPath, made: made, log: &log)
            }
        }
        // After the sub-components' membranes (this one may bind to them), before the bindings
        // that reach this component's interfaces (a route must be there before its clients).
        buildMembrane(plan, component: component, log: &log)
        for binding in plan.bindings {
            let client = binding.client.split(separator: ".", maxSplits: 1).map(String.init)
            let server = binding.server.split(separator: ".", maxSplits: 1).map(String.init)
            guard client.count == 2, server.count == 2 else { continue }
            let clientComponent = client[0] == "this" ? component : children[client[0]]
            guard let clientComponent else { continue }
            do {
                let target: any Interface = server[0] == "this"
                    ? try component.contentController.internalInterface(named: server[1])
                    : try (children[server[0]] ?? { throw FractalError(.noSuchInterface, "no component '\(server[0])'") }()).interface(named: server[1])
                try clientComponent.bindingController.bind(client[1], to: target)
            } catch let error as FractalError {
                log.error(binding.location, error.message, notes: plan.origin)
            } catch {}
        }
    }

    /// The membrane `<controller>` describes: its interfaces, its components (each built like
    /// a top component of its own), then its bindings.
    private func buildMembrane(_ plan: ComponentPlan, component: Component, log: inout DiagnosticLog) {
        let controls = plan.interfaces.filter(\.isControl)
        guard !controls.isEmpty || !plan.membrane.isEmpty else { return }
        let membrane: MembraneController
        do {
            membrane = try component.makeMembrane(interfaces: controls.map { MembraneInterfaceType($0.type, isInternal: $0.isInternal) })
        } catch let error as FractalError {
            let declared = controls.first { $0.type.name == error.interface }
            log.error(declared?.location ?? plan.controllerLocation ?? plan.location, error.message, notes: declared?.origin ?? plan.origin)
            return
        } catch {
            return
        }
        for nfPlan in plan.membrane {
            var made: [String: Component] = [:]
            guard let nf = create(nfPlan, path: ".", made: &made, log: &log) else { continue }
            assemble(nfPlan, component: nf, path: ".", made: made, log: &log)
            do {
                try membrane.add(nf)
            } catch let error as FractalError {
                log.error(nfPlan.location, error.message, notes: nfPlan.origin)
            } catch {}
        }
        for binding in plan.membraneBindings {
            do {
                try membrane.bind(binding.client, to: binding.server)
            } catch let error as FractalError {
                log.error(binding.location, error.message, notes: binding.origin)
            } catch {}
        }
    }

    /// The element a runtime error is about, and the definitions it came through.
    private func place(of error: FractalError, in plan: ComponentPlan) -> (SourceLocation?, [Diagnostic.Note]) {
        if error.kind != .unknownContentClass, let name = error.interface,
           let interface = plan.interfaces.first(where: { $0.type.name == name }) {
            return (interface.location, interface.origin)
        }
        if plan.contentLocation != nil { return (plan.contentLocation, plan.contentOrigin) }
        return (plan.location, plan.origin)
    }
}
