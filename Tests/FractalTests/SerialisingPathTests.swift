@testable import Fractal
import Synchronization
import Testing

// MARK: - Helpers (prefixed `Serialising` so they don't clash with other test files)

/// A channel that sends `rewrite(request)` instead of the request to `exports`.
struct SerialisingRewritingChannel: CallChannel {
    let exports: ExportTable
    let rewrite: @Sendable ([UInt8]) -> [UInt8]

    func send(_ request: [UInt8]) async throws -> [UInt8] {
        await exports.handle(rewrite(request))
    }
}

enum SerialisingWorld {
    static func shopType() -> InterfaceType {
        InterfaceType(name: "shop", signature: ShopProxy.self, role: .server)
    }

    /// A Shop component exported as `exportedName`; started unless `started` is false.
    static func exportedShop(
        _ name: String, as exportedName: String, started: Bool = true,
        controller: ControllerDescription = .primitive
    ) async throws -> (Component, ExportTable) {
        let shop = try Component.primitive(name, type: ComponentType([shopType()]), content: ShopImpl(), controller: controller)
        if started { try await shop.lifeCycleController.start() }
        let exports = ExportTable()
        try exports.export(shop.interface(named: "shop"), as: exportedName)
        return (shop, exports)
    }

    /// The reply `exports` gives to `request`, decoded.
    static func reply(to request: [UInt8], from exports: ExportTable) async throws -> CallReply {
        try CallReply(decoding: await exports.handle(request))
    }

    /// A well-formed encoded call of `Shop.fail("x")` to `target`.
    static func failRequest(to target: String) throws -> [UInt8] {
        CallRequest(target: target, signature: "test.Shop", method: "fail(_:)",
                    arguments: [try ValueCodec.encode("x")]).encoded()
    }
}

// MARK: - Tests

@Suite struct SerialisingPathTests {
    @Test func codableStructRoundTripsThroughARemoteProxy() async throws {
        let (shop, exports) = try await SerialisingWorld.exportedShop("roundTripShop", as: "shopRT")
        defer { withExtendedLifetime(shop) {} }
        let remote = try remoteProxy((any Shop).self, exportedAs: "shopRT", over: LoopbackChannel(exports))
        let order = Order(id: 12, items: ["apple", "pear", "ümlaut ✓"], total: 2.25, note: nil)

        let placed = try await remote.place(order, priority: true)

        #expect(placed == Order(id: 12, items: ["apple", "pear", "ümlaut ✓"], total: 4.5, note: "placed"))
        let normal = try await remote.place(Order(id: 1, items: [], total: 3, note: "keep?"), priority: false)
        #expect(normal == Order(id: 1, items: [], total: 3, note: "placed"))
    }

    @Test func voidMethodsWorkThroughTheSerialisingPath() async throws {
        let (server, content) = try World.server("voidRemoteServer")
        try await server.lifeCycleController.start()
        let exports = ExportTable()
        try exports.export(server.interface(named: "s"), as: "svc")
        let remote = try remoteProxy((any Service).self, exportedAs: "svc", over: LoopbackChannel(exports))

        try await remote.print("over the wire")

        #expect(content.printed.withLock { $0 } == ["over the wire"])
        let (voidShop, shopExports) = try await SerialisingWorld.exportedShop("voidShop", as: "voidShop")
        try await remoteProxy((any Shop).self, exportedAs: "voidShop", over: LoopbackChannel(shopExports)).nothing()
        withExtendedLifetime((server, voidShop)) {}
    }

    @Test func contentErrorComesBackAsRemoteFailureWithItsDescriptionAndComponentPath() async throws {
        // The export name differs from the component name, so that the path can only come from the far side.
        let (shop, exports) = try await SerialisingWorld.exportedShop("refusingShop", as: "shopExport")
        defer { withExtendedLifetime(shop) {} }
        let remote = try remoteProxy((any Shop).self, exportedAs: "shopExport", over: LoopbackChannel(exports))

        let error = await fractalError { _ = try await remote.fail("out of stock") }

        let failure = try #require(error)
        #expect(failure.kind == .remoteFailure)
        #expect(failure.message.contains("shop refused: out of stock"), "\(failure)")
        #expect(failure.message.contains("ShopError"), "\(failure)")
        #expect(failure.component == "/refusingShop", "\(failure)")
        #expect(failure.interface == "shop", "\(failure)")
    }

    @Test func fractalErrorOnTheFarSideKeepsItsKindAndPlace() async throws {
        let (shop, exports) = try await SerialisingWorld.exportedShop(
            "stoppedShop", as: "stoppedExport", started: false,
            controller: ControllerDescription(.primitive, callDeadline: .milliseconds(100)))
        defer { withExtendedLifetime(shop) {} }
        let remote = try remoteProxy((any Shop).self, exportedAs: "stoppedExport", over: LoopbackChannel(exports))

        let error = await fractalError { try await remote.nothing() }

        let failure = try #require(error)
        #expect(failure.kind == .callDeadlineExceeded, "\(failure)")
        #expect(failure.component == "/stoppedShop", "\(failure)")
        #expect(failure.interface == "shop", "\(failure)")
    }

    @Test func unknownExportedNameIsNoSuchInterface() async throws {
        let (shop, exports) = try await SerialisingWorld.exportedShop("lonelyShop", as: "known")
        defer { withExtendedLifetime(shop) {} }
        let remote = try remoteProxy((any Shop).self, exportedAs: "unknown", over: LoopbackChannel(exports))

        await expectFractalError(.noSuchInterface, naming: ["unknown"]) {
            try await remote.nothing()
        }
    }

    @Test func unexportedNameIsNoLongerReachable() async throws {
        let (shop, exports) = try await SerialisingWorld.exportedShop("withdrawnShop", as: "withdrawn")
        defer { withExtendedLifetime(shop) {} }
        let remote = try remoteProxy((any Shop).self, exportedAs: "withdrawn", over: LoopbackChannel(exports))
        try await remote.nothing()

        exports.unexport("withdrawn")

        await expectFractalError(.noSuchInterface, naming: ["withdrawn"]) {
            try await remote.nothing()
        }
    }

    @Test func callerHoldingAnotherSignatureIsSignatureMismatch() async throws {
        Registry.shared.register(ShopProxy.self)
        let (server, _) = try World.server("mismatchedServer")
        try await server.lifeCycleController.start()
        let exports = ExportTable()
        try exports.export(server.interface(named: "s"), as: "svc")
        let remote = try remoteProxy((any Shop).self, exportedAs: "svc", over: LoopbackChannel(exports))

        await expectFractalError(.signatureMismatch, naming: ["/mismatchedServer", "s"]) {
            try await remote.nothing()
        }
    }

    @Test func garbageBytesGiveAnEncodedFailureNotACrash() async throws {
        let (shop, exports) = try await SerialisingWorld.exportedShop("garbageShop", as: "garbage")
        defer { withExtendedLifetime(shop) {} }
        var inputs: [[UInt8]] = [[], [0xFF], [0x01], [0x01, 0xFF, 0xFF, 0xFF, 0xFF], Array(repeating: 0x00, count: 64)]
        for length in [3, 17, 200] {
            inputs.append((0..<length).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 7) })
        }

        for input in inputs {
            let reply = try await SerialisingWorld.reply(to: input, from: exports)
            guard case .failure(let kind, _, _, _, _) = reply else {
                Issue.record("garbage \(input) got a success reply")
                continue
            }
            #expect(FractalError.Kind(rawValue: kind) != nil, "unknown kind \(kind)")
        }

        // The same seen by a caller: a channel that sends garbage instead of its calls.
        let remote = try remoteProxy(
            (any Shop).self, exportedAs: "garbage",
            over: SerialisingRewritingChannel(exports: exports) { _ in [0x01, 0x00, 0x00, 0x00, 0x09, 0x41] })
        await expectFractalError(.decodingFailed) { _ = try await remote.fail("x") }
    }

    @Test func truncatedRequestIsDecodingFailed() async throws {
        let (shop, exports) = try await SerialisingWorld.exportedShop("truncatedShop", as: "truncated")
        defer { withExtendedLifetime(shop) {} }
        let request = try SerialisingWorld.failRequest(to: "truncated")
        #expect(try await SerialisingWorld.reply(to: request, from: exports).isShopRefusal)

        for length in [1, 5, request.count / 2, request.count - 1] {
            let reply = try await SerialisingWorld.reply(to: Array(request.prefix(length)), from: exports)
            guard case .failure(let kind, _, _, _, _) = reply else {
                Issue.record("a request truncated to \(length) of \(request.count) bytes got a success reply")
                continue
            }
            #expect(kind == FractalError.Kind.decodingFailed.rawValue, "truncated to \(length): \(reply)")
        }

        let remote = try remoteProxy(
            (any Shop).self, exportedAs: "truncated",
            over: SerialisingRewritingChannel(exports: exports) { Array($0.dropLast(3)) })
        await expectFractalError(.decodingFailed) {
            _ = try await remote.place(Order(id: 1, items: ["x"], total: 1, note: nil), priority: false)
        }
    }

    @Test func requestWithTrailingBytesIsDecodingFailed() async throws {
        let (shop, exports) = try await SerialisingWorld.exportedShop("paddedShop", as: "padded")
        defer { withExtendedLifetime(shop) {} }
        let remote = try remoteProxy(
            (any Shop).self, exportedAs: "padded",
            over: SerialisingRewritingChannel(exports: exports) { $0 + [0, 0, 0] })

        await expectFractalError(.decodingFailed) { try await remote.nothing() }
    }

    /// A proxy writes its request straight into one buffer; the bytes are those of the
    /// documented call message, which the server side decodes.
    @Test func aProxysRequestIsTheDocumentedCallMessage() async throws {
        let (shop, exports) = try await SerialisingWorld.exportedShop("bytesShop", as: "bytes")
        defer { withExtendedLifetime(shop) {} }
        let seen = Mutex<[[UInt8]]>([])
        let remote = try remoteProxy(
            (any Shop).self, exportedAs: "bytes",
            over: SerialisingRewritingChannel(exports: exports) { request in
                seen.withLock { $0.append(request) }
                return request
            })
        let order = Order(id: 7, items: ["tea"], total: 2.5, note: nil)
        let placed = try await remote.place(order, priority: true)
        #expect(placed.total == 5 && placed.note == "placed")
        let request = try #require(seen.withLock { $0.first })
        let decoded = try CallRequest(decoding: request)
        #expect(decoded.target == "bytes")
        #expect(decoded.signature == "test.Shop")
        #expect(decoded.method == "place(_:priority:)")
        #expect(decoded.arguments.count == 2)
        #expect(try ValueCodec.decode(Order.self, from: decoded.arguments[0]) == order)
        #expect(decoded.arguments[1] == [0x74])
        #expect(decoded.encoded() == request)
    }

    /// The failure reply of docs/wire-protocol.md's example, byte for byte.
    @Test func aFailureReplyNamesTheNodeThatAnswered() async throws {
        let request = CallRequest(target: "/nope#s", signature: "test.Shop", method: "nothing()", arguments: []).encoded()
        let reply = await ExportTable(node: "n2").handle(request)
        func string(_ text: String) -> [UInt8] {
            withUnsafeBytes(of: UInt32(text.utf8.count).bigEndian, Array.init) + Array(text.utf8)
        }
        #expect(reply == [0x01] + string("noSuchInterface") + string("") + string("/nope#s")
            + string("nothing is exported as '/nope#s'") + string("n2"))
        #expect(reply.count == 77)
    }

    @Test func argumentOfTheWrongTypeIsDecodingFailed() async throws {
        let (shop, exports) = try await SerialisingWorld.exportedShop("wrongArgShop", as: "wrongArg")
        defer { withExtendedLifetime(shop) {} }
        let request = CallRequest(target: "wrongArg", signature: "test.Shop", method: "fail(_:)",
                                  arguments: [try ValueCodec.encode(42)]).encoded()

        let reply = try await SerialisingWorld.reply(to: request, from: exports)

        guard case .failure(let kind, _, _, _, _) = reply else {
            Issue.record("an Int where a String is expected got \(reply)")
            return
        }
        #expect(kind == FractalError.Kind.decodingFailed.rawValue)
    }

    @Test func callThroughThePathWaitsAtTheLifecycleGateUntilStarted() async throws {
        let (server, content) = try World.server("gatedRemoteServer")
        let exports = ExportTable()
        try exports.export(server.interface(named: "s"), as: "gated")
        let remote = try remoteProxy((any Service).self, exportedAs: "gated", over: LoopbackChannel(exports))

        let call = Task { try await remote.print("after start") }
        // Seen waiting at the gate, having come through the path.
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(5)
        while server.lifeCycleController.callsWaiting == 0 && clock.now < deadline { await Task.yield() }
        #expect(server.lifeCycleController.callsWaiting == 1, "the call never waited at the stopped component")
        #expect(content.printed.withLock { $0 }.isEmpty, "the call reached a stopped component")

        try await server.lifeCycleController.start()
        try await call.value

        #expect(content.printed.withLock { $0 } == ["after start"])
        #expect(try await remote.echo(3) == 3)
    }
}

extension CallReply {
    /// True for the failure ShopImpl.fail gives (a ShopError, as a remote failure).
    fileprivate var isShopRefusal: Bool {
        guard case .failure(let kind, _, _, let message, _) = self else { return false }
        return kind == FractalError.Kind.remoteFailure.rawValue && message.contains("shop refused")
    }
}
