// swift-tools-version: 6.1
import PackageDescription

/// The project's own modules are built without debug information in release: it was 30 % of their
/// compile time (Engine: 60 s → 43 s), and a release binary's backtraces still name every function.
/// Debug builds (the tests) keep it. See CONTRIBUTING.md, "How long the first build takes".
let ownModuleSettings: [SwiftSetting] = [.unsafeFlags(["-gnone"], .when(configuration: .release))]

let package = Package(
    name: "fanout",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "fanout", targets: ["Dashboard"]),
        .library(name: "Engine", targets: ["Engine"]),
        .library(name: "MockLLM", targets: ["MockLLM"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.30.0"),
        .package(url: "https://github.com/apple/swift-nio-http2", from: "1.46.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
    ],
    targets: [
        .systemLibrary(name: "CNcurses", path: "Sources/CNcurses"),
        .target(
            name: "Engine",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "HeapModule", package: "swift-collections"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: ownModuleSettings
        ),
        .target(
            name: "MockLLM",
            dependencies: [
                "Engine",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "DequeModule", package: "swift-collections"),
            ],
            swiftSettings: ownModuleSettings
        ),
        .executableTarget(
            name: "Dashboard",
            dependencies: [
                "Engine",
                "MockLLM",
                "CNcurses",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: ownModuleSettings,
            linkerSettings: [
                // Linux splits the wide-character ncurses into libncursesw; macOS's libncurses has it built in.
                .linkedLibrary("ncursesw", .when(platforms: [.linux])),
                .linkedLibrary("ncurses", .when(platforms: [.macOS])),
            ]
        ),
        // The manual clock and test tags, shared by the test targets.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "EngineTests", dependencies: [
            "Engine", "TestSupport", .product(name: "NIOEmbedded", package: "swift-nio"), .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "NIOHTTP2", package: "swift-nio-http2"),
        ]),
        .testTarget(name: "DashboardTests", dependencies: ["Dashboard", "Engine", "TestSupport"]),
        .testTarget(name: "IntegrationTests", dependencies: [
            "Engine", "MockLLM", "Dashboard", "TestSupport",
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "NIOPosix", package: "swift-nio"),
        ]),
    ]
)
