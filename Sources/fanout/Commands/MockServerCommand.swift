import ArgumentParser
import Engine
import Foundation
import MockLLM

extension APIDialect: ExpressibleByArgument {}

/// `fanout mock-server`: OpenAI-compatible endpoints on 127.0.0.1 for demos, tests and benchmarks.
struct MockServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mock-server",
        abstract: "Serve OpenAI-compatible (or, with --api anthropic, Anthropic Messages) mock endpoints, streamed token by token, on local ports.",
        discussion: "Prints one line per port when ready; stops cleanly on SIGINT or SIGTERM. --port anthropic:PORT serves the Messages API on that port beside OpenAI's on the others; --batch (or batch:PORT) adds the providers' batch APIs.")

    @Option(name: .customLong("port"), help: ArgumentHelp("A port to serve on (repeatable; 0 picks a free one; default 8001 when neither --port nor --ports is given); anthropic:PORT serves Anthropic's Messages API there whatever --api says, so one process serves both APIs on different ports; batch:PORT also serves the batch APIs there.", valueName: "[anthropic:|batch:]port"))
    var port: [String] = []

    @Option(name: .customLong("ports"), help: ArgumentHelp("A range of ports, e.g. 8001-8004.", valueName: "from-to"))
    var ports: String?

    @Option(name: .customLong("host"), help: ArgumentHelp("Address to bind.", valueName: "address"))
    var host = "127.0.0.1"

    @Option(name: .customLong("api"), help: ArgumentHelp("The API to speak: openai (/v1/chat/completions and /v1/completions) or anthropic (/v1/messages, read strictly: unknown fields, a system role in messages, a missing max_tokens or anthropic-version header are 400s).", valueName: "openai|anthropic"))
    var api: APIDialect = .openAI

    @OptionGroup var behavior: MockBehaviorOptions

    func validate() throws {
        _ = try allPorts()
        _ = try behavior.makeBehavior()
    }

    /// Each port with the API it speaks.
    func allPorts() throws -> [(port: Int, api: APIDialect, batch: Bool)] {
        var result: [(port: Int, api: APIDialect, batch: Bool)] = []
        for spec in port {
            let (named, isBatch, rest) = EndpointFile.route(ofSpec: spec)
            guard let number = Int(rest) else { throw ValidationError("--port takes a port number, anthropic:PORT or batch:PORT, not \(spec).") }
            result.append((number, named ?? api, isBatch))
        }
        if let ports {
            let bounds = ports.split(separator: "-").compactMap { Int($0) }
            guard bounds.count == 2, bounds[0] <= bounds[1], bounds[0] >= 1, bounds[1] <= 65535, bounds[1] - bounds[0] < 1000 else {
                throw ValidationError("--ports must be a range like 8001-8004.")
            }
            result += (bounds[0]...bounds[1]).map { ($0, api, false) }
        }
        guard result.allSatisfy({ (0...65535).contains($0.port) }) else { throw ValidationError("--port must be between 0 and 65535.") }
        return result.isEmpty ? [(8001, api, false)] : result
    }

    func run() async throws {
        let common = try behavior.makeBehavior()
        var servers: [MockServer] = []
        for (port, api, batch) in try allPorts() {
            do {
                var behavior = common
                behavior.anthropic = api == .anthropic
                if batch { behavior.batchSecondsPerRequest = behavior.batchSecondsPerRequest ?? self.behavior.batchSecondsPerRequest }
                let server = try await MockServer.start(behavior: behavior, host: host, port: port)
                servers.append(server)
                let prefix = behavior.batchSecondsPerRequest != nil ? (api == .anthropic ? "anthropic-batch:" : "batch:")
                    : (api == .anthropic ? APIDialect.anthropicPrefix : "")
                Console.out("mock endpoint ready: \(prefix)\(server.baseURL)")
            } catch {
                for server in servers { await server.stop() }
                Console.error("fanout mock-server: cannot listen on \(host):\(port): \(error)")
                throw RunExit.fatalIO
            }
        }
        let stopped = AsyncStream<Int32>.makeStream()
        let watcher = SignalWatcher(onFirst: { stopped.continuation.yield($0) })
        var iterator = stopped.stream.makeAsyncIterator()
        let number = await iterator.next() ?? SIGTERM
        watcher.cancel()
        for server in servers { await server.stop() }
        let arrivals = servers.reduce(0) { $0 + $1.arrivals }
        Console.error("fanout mock-server: stopped after \(arrivals) requests")
        throw RunExit(code: number == SIGINT || number == SIGTERM ? 0 : 1)
    }
}

/// How mock endpoints answer, shared by `mock-server` and `demo`.
struct MockBehaviorOptions: ParsableArguments {
    @Option(name: [.customLong("latency"), .customLong("ttft")], help: ArgumentHelp("Time to the first token (for an unstreamed answer, before its tokens' time), e.g. 300ms; --ttft and --latency are one option.", valueName: "duration"))
    var latency = "0ms"

    @Option(name: [.customLong("output_tokens"), .customLong("output-tokens")], parsing: .unconditional, help: ArgumentHelp("Answers of exactly n tokens, one stream chunk each (0 = an answer derived from the prompt, about a quarter of its bytes); a request's max_tokens cuts it.", valueName: "n"))
    var outputTokens = 0

    @Option(name: [.customLong("latency_jitter"), .customLong("latency-jitter")], help: ArgumentHelp("Extra random latency, uniform from 0 to this.", valueName: "duration"))
    var latencyJitter = "0ms"

    @Option(name: [.customLong("latency_sigma"), .customLong("latency-sigma")], parsing: .unconditional, help: ArgumentHelp("Log-normal spread of the latency (e.g. 0.6 for a long tail; 0 = none).", valueName: "sigma"))
    var latencySigma: Double = 0

    @Option(name: [.customLong("tokens_per_second"), .customLong("tokens-per-second")], parsing: .unconditional, help: ArgumentHelp("The generation pace: a streamed answer sends one token every 1/n s after the first; an unstreamed one takes its tokens / n s on top of --ttft (0 = all at once).", valueName: "n"))
    var tokensPerSecond: Double = 0

    @Option(name: .customLong("capacity"), parsing: .unconditional, help: ArgumentHelp("Serve at most n answers at once; the rest queue, so throughput saturates at n while latency keeps growing (0 = no limit). Change it while running: POST /mock/capacity {\"capacity\": n}.", valueName: "n"))
    var capacity = 0

    @Option(name: [.customLong("error_rate"), .customLong("error-rate")], parsing: .unconditional, help: ArgumentHelp("Share of requests answered 500, 0 to 1.", valueName: "p"))
    var errorRate: Double = 0

    @Option(name: [.customLong("quota_after"), .customLong("quota-after")], parsing: .unconditional, help: ArgumentHelp("After n requests answer every one 429 insufficient_quota, as OpenAI answers an account out of credit.", valueName: "n"))
    var quotaAfter: Int?

    @Option(name: [.customLong("rate_limit"), .customLong("rate-limit")], parsing: .unconditional, help: ArgumentHelp("Requests per window above which 429 is answered with Retry-After; every answer carries x-ratelimit-limit/remaining/reset-requests headers (0 = none).", valueName: "r"))
    var rateLimit: Double = 0

    @Option(name: [.customLong("rate_limit_window"), .customLong("rate-limit-window")], parsing: .unconditional, help: ArgumentHelp("The rate limit's fixed window, e.g. 60s.", valueName: "duration"))
    var rateLimitWindow = "1s"

    @Flag(name: [.customLong("no_retry_after"), .customLong("no-retry-after")], help: "429s from --rate_limit carry no Retry-After, as many proxies send them.")
    var noRetryAfter = false

    @Flag(name: [.customLong("no_reset_header"), .customLong("no-reset-header")], help: "Answers carry x-ratelimit-limit/remaining-requests but no reset time.")
    var noResetHeader = false

    @Flag(name: [.customLong("no_rate_limit_headers"), .customLong("no-rate-limit-headers")], help: "Answers and 429s from --rate_limit carry no x-ratelimit-* header at all.")
    var noRateLimitHeaders = false

    @Flag(name: [.customLong("close_after_answer"), .customLong("close-after-answer")],
          help: "Close the connection after every answer while saying keep-alive, as llama.cpp's server does after streamed answers.")
    var closeAfterAnswer = false

    @Flag(name: [.customLong("serve_metrics"), .customLong("serve-metrics")],
          help: "Serve GET /metrics in vLLM's names: requests running (places in use of --capacity), waiting, and the KV cache's share.")
    var serveMetrics = false

    @Flag(name: .customLong("batch"), help: "Also serve OpenAI's Files and Batches API (/v1/files, /v1/batches) and Anthropic's Message Batches (/v1/messages/batches), with time sped up (--batch_seconds_per_request).")
    var batch = false

    @Option(name: [.customLong("batch_seconds_per_request"), .customLong("batch-seconds-per-request")], parsing: .unconditional,
            help: ArgumentHelp("Seconds each request of a mock batch takes to run (after 50 ms of validation); results come in a shuffled order.", valueName: "seconds"))
    var batchSecondsPerRequest = 0.01

    @Option(name: [.customLong("batch_expire_after"), .customLong("batch-expire-after")],
            help: ArgumentHelp("A mock batch not done after this long expires, its unrun requests reported expired (default: 24h, the providers' window).", valueName: "duration"))
    var batchExpireAfter: String?

    func makeBehavior() throws -> MockBehavior {
        guard let latency = DurationText.seconds(self.latency) else { throw ValidationError("--latency must be a duration like 200ms.") }
        guard let jitter = DurationText.seconds(latencyJitter) else { throw ValidationError("--latency_jitter must be a duration like 50ms.") }
        try Limits.check(latency, "--latency", Limits.mockSeconds, "seconds")
        try Limits.check(jitter, "--latency_jitter", Limits.mockSeconds, "seconds")
        try Limits.check(errorRate, "--error_rate", 0...1)
        try Limits.check(latencySigma, "--latency_sigma", 0...3)
        try Limits.check(tokensPerSecond, "--tokens_per_second", 0...1_000_000, "(0 = none)")
        try Limits.check(rateLimit, "--rate_limit", Limits.rate, "requests per window (0 = none)")
        try Limits.check(capacity, "--capacity", 0...1_000_000, "(0 = no limit)")
        try Limits.check(outputTokens, "--output_tokens", 0...1_000_000, "(0 = derived from the prompt)")
        guard let window = DurationText.seconds(rateLimitWindow), window >= 0.001, window <= 86_400 else {
            throw ValidationError("--rate_limit_window must be a duration from 1ms to 24h, like 60s.")
        }
        var behavior = MockBehavior(latency: latency, latencyJitter: jitter, latencySigma: latencySigma,
                                    secondsPerToken: tokensPerSecond > 0 ? 1 / tokensPerSecond : 0,
                                    errorRate: errorRate, rateLimit: rateLimit > 0 ? rateLimit : nil)
        behavior.rateLimitWindow = window
        behavior.rateLimitRetryAfter = !noRetryAfter
        behavior.rateLimitResetHeader = !noResetHeader
        behavior.rateLimitHeaders = !noRateLimitHeaders
        behavior.capacity = capacity > 0 ? capacity : nil
        behavior.outputTokens = outputTokens > 0 ? outputTokens : nil
        if let quotaAfter { try Limits.check(quotaAfter, "--quota_after", 0...1_000_000_000) }
        behavior.quotaAfter = quotaAfter
        behavior.closesAfterAnswer = closeAfterAnswer
        behavior.servesMetrics = serveMetrics
        try Limits.check(batchSecondsPerRequest, "--batch_seconds_per_request", 0.000_001...3600, "seconds")
        if batch { behavior.batchSecondsPerRequest = batchSecondsPerRequest }
        if let batchExpireAfter {
            guard let seconds = DurationText.seconds(batchExpireAfter), seconds > 0, seconds <= 86_400 else {
                throw ValidationError("--batch_expire_after must be a duration from 1ms to 24h, like 2s.")
            }
            behavior.batchExpireAfter = seconds
        }
        return behavior
    }
}
