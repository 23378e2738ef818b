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
        .executable(name: "fanout", targets: ["fanout"]),
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
                "RESP",
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
        // The smallest RESP2 client the fleet store needs (Redis): values, codec, one pipelined connection.
        .target(
            name: "RESP",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "DequeModule", package: "swift-collections"),
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
        // The terminal front: rendering, layouts, charts, keys, the input loop and the terminal
        // adapter. It draws Engine's snapshots and knows nothing of the command line.
        .target(
            name: "Dashboard",
            dependencies: ["Engine", "CNcurses"],
            swiftSettings: ownModuleSettings,
            linkerSettings: [
                // Linux splits the wide-character ncurses into libncursesw; macOS's libncurses has it built in.
                .linkedLibrary("ncursesw", .when(platforms: [.linux])),
                .linkedLibrary("ncurses", .when(platforms: [.macOS])),
            ]
        ),
        // The HTML and JSON report of a run, and its rebuild from a run's files.
        .target(name: "Report", dependencies: ["Engine"], swiftSettings: ownModuleSettings),
        // The program: its commands, options and plans, the run session, headless progress lines,
        // the control session and the attach and fleet feeds. The only target that depends on everything.
        .executableTarget(
            name: "fanout",
            dependencies: [
                "Engine",
                "MockLLM",
                "Dashboard",
                "Report",
                "RESP",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: ownModuleSettings
        ),
        // The manual clock, test tags and snapshot fixtures, shared by the test targets.
        .target(name: "TestSupport", dependencies: ["Engine"], path: "Tests/TestSupport"),
        .testTarget(name: "EngineTests", dependencies: [
            "Engine", "TestSupport", .product(name: "NIOEmbedded", package: "swift-nio"), .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "NIOHTTP2", package: "swift-nio-http2"),
        ]),
        .testTarget(name: "RESPTests", dependencies: ["RESP", .product(name: "NIOCore", package: "swift-nio")]),
        .testTarget(name: "DashboardTests", dependencies: ["Dashboard", "Engine", "TestSupport"]),
        .testTarget(name: "ReportTests", dependencies: ["Report", "Engine", "TestSupport"]),
        .testTarget(name: "FanoutTests", dependencies: [
            "fanout", "Dashboard", "Report", "Engine", "TestSupport", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .testTarget(name: "IntegrationTests", dependencies: [
            "Engine", "MockLLM", "fanout", "TestSupport",
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "NIOPosix", package: "swift-nio"),
        ]),
    ]
)
