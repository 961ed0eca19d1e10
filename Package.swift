// swift-tools-version: 6.1
import CompilerPluginSupport
import PackageDescription

let strict: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "swift-fractal",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Fractal", targets: ["Fractal"]),
        .library(name: "FractalXML", targets: ["FractalXML"]),
        .library(name: "FractalADL", targets: ["FractalADL"]),
        .library(name: "FractalRemote", targets: ["FractalRemote"]),
        .library(name: "FractalNIO", targets: ["FractalNIO"]),
        .library(name: "FractalDeployment", targets: ["FractalDeployment"]),
        .library(name: "FractalTesting", targets: ["FractalTesting"]),
        .library(name: "FractalLauncher", targets: ["FractalLauncher"]),
        .library(name: "ClifCore", targets: ["ClifCore"]),
        .library(name: "ClifScenario", targets: ["ClifScenario"]),
        .library(name: "ClifHTTP", targets: ["ClifHTTP"]),
        .library(name: "ClifReports", targets: ["ClifReports"]),
        .library(name: "ClifStorage", targets: ["ClifStorage"]),
        .library(name: "ClifComponents", targets: ["ClifComponents"]),
        .library(name: "ClifLauncher", targets: ["ClifLauncher"]),
        .library(name: "ClifTesting", targets: ["ClifTesting"]),
        .executable(name: "fractal", targets: ["fractal"]),
        .executable(name: "clif", targets: ["clif"]),
        .executable(name: "HelloWorld", targets: ["HelloWorld"]),
        .executable(name: "LoadTest", targets: ["LoadTest"]),
    ],
    dependencies: [
        .package(url: "https://github.com/swiftlang/swift-syntax", from: "603.0.1"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        // Core model: components, interfaces, controllers, membrane.
        .target(
            name: "Fractal",
            dependencies: [
                "FractalMacros",
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            swiftSettings: strict
        ),
        // `@Interface`: derives the client proxy and the server dispatcher of an interface protocol.
        .macro(
            name: "FractalMacros",
            dependencies: [
                .product(name: "SwiftSyntax", package: "swift-syntax"),
                .product(name: "SwiftSyntaxMacros", package: "swift-syntax"),
                .product(name: "SwiftCompilerPlugin", package: "swift-syntax"),
            ],
            swiftSettings: strict
        ),
        // libxml2, as installed by the system's libxml2-dev package.
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        // Located XML reading (libxml2, positions, diagnostics), shared by architecture files,
        // deployment descriptors and scenarios.
        .target(
            name: "FractalXML",
            dependencies: ["CLibXML2"],
            swiftSettings: strict
        ),
        // Architecture descriptions: XML ADL → definitions → components.
        .target(
            name: "FractalADL",
            dependencies: ["Fractal", "FractalXML", "CLibXML2"],
            swiftSettings: strict
        ),
        // Distribution: transports, the wire protocol, peers, nodes.
        .target(
            name: "FractalRemote",
            dependencies: ["Fractal", "FractalADL", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        // TCP (with a shared secret, or TLS) transports on SwiftNIO.
        .target(
            name: "FractalNIO",
            dependencies: [
                "FractalRemote",
                "FractalXML",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: strict
        ),
        // Deployment as a library: reach or start nodes, map virtual nodes, deploy, clean up.
        .target(
            name: "FractalDeployment",
            dependencies: [
                "Fractal", "FractalADL", "FractalRemote", "FractalNIO",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // What tests of distributed architectures need: N nodes (in memory, over TCP, or node
        // processes), an architecture deployed on them, nodes lost on command, all torn down.
        .target(
            name: "FractalTesting",
            dependencies: [
                "Fractal", "FractalADL", "FractalRemote", "FractalNIO", "FractalDeployment",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // Command-line tools over architecture files: `fractal check | run | graph | export`.
        .target(
            name: "FractalLauncher",
            dependencies: [
                "Fractal", "FractalADL", "FractalRemote", "FractalNIO", "FractalDeployment",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // Load testing (CLIF). The core knows nothing of networks or where it runs: events,
        // scenarios, plug-in protocol, load profiles, the engine, statistics.
        .target(
            name: "ClifCore",
            dependencies: ["Fractal", "FractalXML", .product(name: "Histogram", package: "hdrhistogram-swift")],
            swiftSettings: strict
        ),
        // ISAC scenario files (`.xis`) and the Swift scenario DSL.
        .target(
            name: "ClifScenario",
            dependencies: ["ClifCore", "FractalXML"],
            swiftSettings: strict
        ),
        // The HTTP/1.1 injector plug-in, on SwiftNIO.
        .target(
            name: "ClifHTTP",
            dependencies: [
                "ClifCore", "FractalXML",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: strict
        ),
        // What tests of load-testing code need: a system under test that misbehaves on command.
        .target(
            name: "ClifTesting",
            dependencies: [
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        // zlib, as installed by the system's zlib1g-dev package (HdrHistogram logs are deflated).
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // Quick statistics and CLIF report files: pure data, no networking.
        .target(
            name: "ClifReports",
            dependencies: ["ClifCore", "CZlib"],
            swiftSettings: strict
        ),
        // Storage shards' embedded stores: an append-only log with an index, and SQLite.
        .target(
            name: "ClifStorage",
            dependencies: ["ClifCore", "CZlib", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strict
        ),
        // Load-testing components: what a test runs, as Fractal components with ADL definitions.
        .target(
            name: "ClifComponents",
            dependencies: ["Fractal", "FractalXML", "ClifCore", "ClifScenario", "ClifHTTP", "ClifReports", "ClifStorage", .product(name: "NIOPosix", package: "swift-nio")],
            swiftSettings: strict
        ),
        // The `clif` command, as a library to build your own.
        .target(
            name: "ClifLauncher",
            dependencies: [
                "ClifCore", "ClifScenario", "ClifHTTP", "ClifReports", "ClifComponents", "FractalXML", "FractalADL", "FractalRemote",
                "FractalDeployment", "FractalLauncher", .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"), .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "clif",
            dependencies: ["ClifLauncher"],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "fractal",
            dependencies: ["FractalLauncher", "HelloWorldComponents"],
            swiftSettings: strict
        ),
        .target(
            name: "HelloWorldComponents",
            dependencies: ["Fractal"],
            path: "Examples/HelloWorldComponents",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "HelloWorld",
            dependencies: ["Fractal", "FractalADL", "HelloWorldComponents"],
            path: "Examples/HelloWorld",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "LoadTest",
            dependencies: ["ClifLauncher", "ClifTesting", "Fractal"],
            path: "Examples/LoadTest",
            exclude: ["scenarios", "plans", "deployments"],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "CallOverhead",
            dependencies: ["Fractal"],
            path: "Benchmarks/CallOverhead",
            swiftSettings: strict
        ),
        .executableTarget(name: "ADLScale", dependencies: ["Fractal", "FractalADL"], path: "Benchmarks/ADLScale", swiftSettings: strict),
        .executableTarget(name: "RemoteCalls", dependencies: ["Fractal", "FractalADL", "FractalRemote", "FractalNIO", .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"), .product(name: "Histogram", package: "hdrhistogram-swift")], path: "Benchmarks/RemoteCalls", swiftSettings: strict),
        .executableTarget(name: "LoadInjection", path: "Benchmarks/LoadInjection", exclude: ["locustfile.py", "get.xis", "get-once.xis", "think.xis"], swiftSettings: strict),
        .target(name: "BenchmarkSupport", path: "Benchmarks/Support", swiftSettings: strict),
        .executableTarget(name: "ProbeOverhead", dependencies: ["BenchmarkSupport", "ClifCore"], path: "Benchmarks/ProbeOverhead", swiftSettings: strict),
        .executableTarget(name: "ShardIngest", dependencies: ["BenchmarkSupport", "ClifComponents", "ClifCore", "ClifStorage", "Fractal", "FractalRemote", "FractalNIO"], path: "Benchmarks/ShardIngest", swiftSettings: strict),
        .executableTarget(name: "ShardBalance", dependencies: ["Fractal"], path: "Benchmarks/ShardBalance", swiftSettings: strict),
        .executableTarget(name: "ClifDataPath", dependencies: ["BenchmarkSupport", "ClifComponents", "ClifCore", "Fractal", "FractalRemote", "FractalNIO"], path: "Benchmarks/ClifDataPath", swiftSettings: strict),
        .testTarget(
            name: "FractalADLTests",
            dependencies: ["FractalADL", "HelloWorldComponents"],
            exclude: ["Fixtures"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "FractalRemoteTests",
            dependencies: ["FractalRemote", "FractalNIO", "FractalADL", "FractalTesting", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "FractalTestingTests",
            dependencies: ["FractalTesting", "FractalRemote", "FractalADL", "Fractal", "HelloWorldComponents"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ClifScenarioTests",
            dependencies: ["ClifScenario", "ClifCore"],
            exclude: ["Fixtures"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ClifStorageTests",
            dependencies: ["ClifStorage", "ClifCore"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ClifReportsTests",
            dependencies: ["ClifReports", "ClifCore", "FractalXML", "CLibXML2", "CZlib"],
            exclude: ["Fixtures"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ClifTests",
            dependencies: ["ClifCore", "ClifScenario", "ClifHTTP", "ClifReports", "ClifStorage", "ClifLauncher", "ClifTesting", "ClifComponents", "FractalADL",
                           .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                           .product(name: "NIOHTTP1", package: "swift-nio")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "FractalTests",
            dependencies: ["Fractal"],
            swiftSettings: strict
        ),
        // Expansion tests of `@Interface`: they depend on the macro target only, not on `Fractal`.
        .testTarget(
            name: "FractalMacrosTests",
            dependencies: [
                "FractalMacros",
                .product(name: "SwiftSyntaxMacrosGenericTestSupport", package: "swift-syntax"),
            ],
            swiftSettings: strict
        ),
    ]
)
