import ArgumentParser
import Engine
import Foundation
import MockLLM
import Report

/// `fanout demo`: local mock endpoints (`endpoints`), a synthetic prompt file, and a live run against them.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "See fanout at work: no API key, no network — \(DemoCommand.endpointsInWords) local mock endpoints streaming tokens, and synthetic prompts.",
        discussion: """
            Every answer streams token by token. Endpoints: fast (first token in 40 ms, 150 tokens/s), slow (a long-tailed 300 ms, \
            40 tokens/s), flaky (5 % errors; allows 60 req/s, says so in x-ratelimit headers and answers 429 above it), claude \
            (Anthropic's Messages API, the same prompts translated). \
            Pause, change the rate, re-weight and cap them from the dashboard and watch the effect. With the dashboard the demo runs \
            until q (exit 0) unless --size or --duration is given; with --no-tui it sends 10,000 prompts unless --size says otherwise.
            """)

    @Option(name: .customLong("size"), parsing: .unconditional, help: ArgumentHelp("Prompts to send (default: without end on the dashboard, 10,000 with --no-tui).", valueName: "n"))
    var size: Int?

    @Option(name: [.customLong("rate"), .customLong("max_requests_per_second"), .customLong("max-requests-per-second")],
            parsing: .unconditional, help: ArgumentHelp("Starting rate limit, requests per second (0 = no limit).", valueName: "r"))
    var rate: Double = 500

    @Option(name: .customLong("slo"), help: ArgumentHelp("Goodput targets shown live (see fanout run --slo).", valueName: "targets"))
    var slo = "ttft=500ms,tpot=50ms"

    @Option(name: .customLong("duration"), help: ArgumentHelp("Stop gracefully after this long (e.g. 30s, 2m; default: until q on the dashboard, the last prompt otherwise).", valueName: "duration"))
    var duration: String?

    @Option(name: .customLong("directory"), help: ArgumentHelp("Where to write the prompt, save and errors files, created when missing (default: a new temporary directory).", valueName: "path"), completion: .directory)
    var directory: String?

    @OptionGroup var display: DisplayOptions
    @OptionGroup var control: ControlOptions

    func validate() throws {
        if let size { guard size >= 1, size <= 100_000_000 else { throw ValidationError("--size must be between 1 and 100,000,000.") } }
        _ = try ServiceLevelText.parse(slo)
        try Limits.check(rate, "--rate", Limits.rate, "requests per second (0 = no limit)")
        if let duration {
            guard let seconds = DurationText.seconds(duration) else { throw ValidationError("--duration must be a duration like 30s or 2m, not \(duration).") }
            try Limits.check(seconds, "--duration", Limits.demoSeconds, "seconds")
        }
        if let directory {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), !isDirectory.boolValue {
                throw ValidationError("--directory: \(directory) is a file, not a directory.")
            }
        }
    }

    /// How many endpoints the demo runs, in words (the help and the README say it; a test checks the README).
    static var endpointsInWords: String {
        let words = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
        return endpoints.count < words.count ? words[endpoints.count] : String(endpoints.count)
    }

    /// The endpoints' characters: first-token delay, pace, answer length, failures, limits.
    static let endpoints: [(name: String, weight: Double, behavior: MockBehavior)] = {
        var fast = MockBehavior(latency: 0.04, latencyJitter: 0.02, secondsPerToken: 1.0 / 150)
        fast.outputTokens = 48
        var slow = MockBehavior(latency: 0.3, latencySigma: 0.6, secondsPerToken: 1.0 / 40)
        slow.outputTokens = 64
        var flaky = MockBehavior(latency: 0.08, latencyJitter: 0.05, secondsPerToken: 1.0 / 80, errorRate: 0.05, rateLimit: 60)
        flaky.outputTokens = 32
        // Anthropic's Messages API beside the OpenAI-compatible three: the same prompts, translated.
        var claude = MockBehavior(latency: 0.12, latencyJitter: 0.04, secondsPerToken: 1.0 / 100)
        claude.outputTokens = 40
        claude.anthropic = true
        // A batch route: OpenAI's Batch API, sped up (4 ms a request), at half price.
        var batch = MockBehavior(secondsPerToken: 1.0 / 100)
        batch.outputTokens = 32
        batch.batchSecondsPerRequest = 0.004
        return [("fast", 3, fast), ("slow", 2, slow), ("flaky", 1, flaky), ("claude", 1, claude), ("batch", 1, batch)]
    }()

    /// What the demo's endpoints cost, so the meter has something to show: two priced per token like
    /// hosted APIs (gpt-4o-mini's and Claude Sonnet's rates), one by the hour like a rented GPU, and
    /// the Anthropic one at Claude Haiku 4.5's.
    static let prices: [String: (ModelPrice?, Double?)] = [
        "fast": (ModelPrice(input: 1.5e-7, output: 6e-7), nil),
        "slow": (nil, 2.4),
        "flaky": (ModelPrice(input: 3e-6, output: 1.5e-5), nil),
        "claude": (ModelPrice(input: 1e-6, output: 5e-6), nil),
        "batch": (ModelPrice(input: 1.5e-7, output: 6e-7), nil),
    ]

    /// `--directory`, created (with its parents) when it does not exist yet.
    static func makeDirectory(_ path: String) throws -> String {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw ValidationError("--directory: cannot create \(path) (\(error.localizedDescription)).")
        }
        return path
    }

    /// Prompts to send: `--size`, else none (without end) on the dashboard, else 10,000.
    func promptCount(usesDashboard: Bool) -> Int? {
        size ?? (duration == nil && !usesDashboard ? 10_000 : nil)
    }

    func run() async throws {
        let folder = try directory.map(Self.makeDirectory) ?? Self.makeTemporaryDirectory()
        let count = promptCount(usesDashboard: display.usesDashboard)
        let input: String
        if let count {
            input = (folder as NSString).appendingPathComponent("prompts.jsonl")
            Console.error("fanout demo: writing \(Format.count(count)) prompts to \(input)")
            try SyntheticPrompts.write(count: count, to: input)
        } else {
            input = (folder as NSString).appendingPathComponent("endless prompts")
            Console.error("fanout demo: prompts are made as they are sent, without end; press q to stop")
        }

        var servers: [MockServer] = []
        var endpoints: [EndpointConfiguration] = []
        for endpoint in Self.endpoints {
            let server = try await MockServer.start(behavior: endpoint.behavior)
            servers.append(server)
            var configuration = EndpointConfiguration(name: endpoint.name, url: EndpointURL(server.baseURL)!, weight: endpoint.weight)
            (configuration.price, configuration.costPerHour) = Self.prices[endpoint.name] ?? (nil, nil)
            if endpoint.behavior.anthropic {
                configuration.dialect = .anthropic
                configuration.model = "claude-haiku-4-5"
            }
            if endpoint.behavior.batchSecondsPerRequest != nil {
                var settings = BatchSettings(dialect: .openAI)
                settings.fillSeconds = 3
                settings.pollInterval = 0.5
                settings.maxRequests = 2000
                configuration.batch = settings
            }
            endpoints.append(configuration)
        }
        let save = (folder as NSString).appendingPathComponent("prompts_results.jsonl")
        var configuration = EngineConfiguration(endpoints: endpoints, rate: rate, maxInFlight: 4096,
                                                retryPolicy: RetryPolicy(maxAttempts: Defaults.maxAttempts), timeout: 30)
        configuration.stream = true
        configuration.serviceLevels = try ServiceLevelText.parse(slo)
        var plan = RunPlan(configuration: configuration, inputPath: input, savePath: save,
                           errorsPath: (folder as NSString).appendingPathComponent("errors.jsonl"),
                           defaults: RequestDefaults(model: "demo-model", maxTokens: 120), connectTimeout: 5)
        plan.generatesPrompts = count == nil
        plan.report = ReportFiles(html: (folder as NSString).appendingPathComponent("report.html"))
        var session = RunSession(plan: plan, display: display, stopAfter: duration.flatMap(DurationText.seconds))
        session.quitIsTheEnd = true
        session.control = try control.setting(environment: ProcessInfo.processInfo.environment)
        let exit = await session.execute()
        for server in servers { await server.stop() }
        Console.error("fanout demo: files in \(folder): \(count == nil ? "" : "prompts.jsonl, ")prompts_results.jsonl, errors.jsonl, report.html, report.json")
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
