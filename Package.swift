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
        .executable(name: "HelloWorld", targets: ["HelloWorld"]),
    ],
    dependencies: [
        .package(url: "https://github.com/swiftlang/swift-syntax", from: "603.0.1"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
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
        .executableTarget(
            name: "HelloWorld",
            dependencies: ["Fractal"],
            path: "Examples/HelloWorld",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "CallOverhead",
            dependencies: ["Fractal"],
            path: "Benchmarks/CallOverhead",
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
