import ArgumentParser
import Engine
import Foundation
import MockLLM

/// `fanout demo`: three local mock endpoints, a synthetic prompt file, and a live run against them.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "See fanout at work: no API key, no network — three local mock endpoints and a generated prompt file.",
        discussion: """
            Endpoints: fast (20 ms), slow (a long-tailed 250 ms), flaky (5 % errors; allows 300 req/s, says so in x-ratelimit headers and answers 429 above it). \
            Pause, change the rate and re-weight them from the dashboard and watch the effect.
            """)

    @Option(name: .customLong("size"), parsing: .unconditional, help: ArgumentHelp("Prompts to generate.", valueName: "n"))
    var size = 50_000

    @Option(name: [.customLong("rate"), .customLong("max_requests_per_second"), .customLong("max-requests-per-second")],
            parsing: .unconditional, help: ArgumentHelp("Starting rate limit, requests per second (0 = no limit).", valueName: "r"))
    var rate: Double = 2000

    @Option(name: .customLong("duration"), help: ArgumentHelp("Stop gracefully after this long (e.g. 30s, 2m; default: run to the end).", valueName: "duration"))
    var duration: String?

    @Option(name: .customLong("directory"), help: ArgumentHelp("Where to write the prompt, save and errors files (default: a new temporary directory).", valueName: "path"))
    var directory: String?

    @OptionGroup var display: DisplayOptions

    func validate() throws {
        guard size >= 1, size <= 100_000_000 else { throw ValidationError("--size must be between 1 and 100,000,000.") }
        try Limits.check(rate, "--rate", Limits.rate, "requests per second (0 = no limit)")
        if let duration {
            guard let seconds = DurationText.seconds(duration) else { throw ValidationError("--duration must be a duration like 30s or 2m, not \(duration).") }
            try Limits.check(seconds, "--duration", Limits.demoSeconds, "seconds")
        }
        if let directory {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ValidationError("--directory: \(directory) is not an existing directory.")
            }
        }
    }

    /// The three endpoints' characters.
    static let endpoints: [(name: String, weight: Double, behavior: MockBehavior)] = [
        ("fast", 3, MockBehavior(latency: 0.02, latencyJitter: 0.02)),
        ("slow", 2, MockBehavior(latency: 0.25, latencySigma: 0.6)),
        ("flaky", 1, MockBehavior(latency: 0.05, latencyJitter: 0.05, errorRate: 0.05, rateLimit: 300)),
    ]

    func run() async throws {
        let folder = try directory ?? Self.makeTemporaryDirectory()
        let input = (folder as NSString).appendingPathComponent("prompts.jsonl")
        Console.error("fanout demo: writing \(Format.count(size)) prompts to \(input)")
        try SyntheticPrompts.write(count: size, to: input)

        var servers: [MockServer] = []
        var endpoints: [EndpointConfiguration] = []
        for endpoint in Self.endpoints {
            let server = try await MockServer.start(behavior: endpoint.behavior)
            servers.append(server)
            endpoints.append(EndpointConfiguration(name: endpoint.name, url: EndpointURL(server.baseURL)!, weight: endpoint.weight))
        }
        let save = (folder as NSString).appendingPathComponent("prompts_results.jsonl")
        let plan = RunPlan(
            configuration: EngineConfiguration(endpoints: endpoints, rate: rate, maxInFlight: 4096,
                                               retryPolicy: RetryPolicy(maxAttempts: Defaults.maxAttempts), timeout: 30),
            inputPath: input, savePath: save, errorsPath: (folder as NSString).appendingPathComponent("errors.jsonl"),
            defaults: RequestDefaults(model: "demo-model", maxTokens: 120), connectTimeout: 5)
        let exit = await RunSession(plan: plan, display: display, stopAfter: duration.flatMap(DurationText.seconds)).execute()
        for server in servers { await server.stop() }
        Console.error("fanout demo: files in \(folder): prompts.jsonl, prompts_results.jsonl, errors.jsonl")
        throw exit
    }

    static func makeTemporaryDirectory() throws -> String {
        var base = NSTemporaryDirectory()
        while base.hasSuffix("/") && base.count > 1 { base.removeLast() }
        var template = Array((base + "/fanout-demo-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw ValidationError("cannot create a temporary directory") }
        return String(cString: made)
    }
}
