import ArgumentParser
import Engine
import Foundation
import Logging

/// The options of a run; every multi-word option takes the seed's snake_case and kebab-case.
struct RunOptions: ParsableArguments {
    @Option(name: .both("requests_filepath"), help: ArgumentHelp("JSONL input, one request per line; - reads stdin.", valueName: "path"), completion: .file())
    var requestsFilepath: String

    @Option(name: .both("save_filepath"), help: ArgumentHelp("Where answers go (default: the input path with .jsonl replaced by _results.jsonl).", valueName: "path"), completion: .file())
    var saveFilepath: String?

    @Option(name: .both("errors_filepath"), help: ArgumentHelp("Where final failures go (default: named after the save file, out.jsonl → out_errors.jsonl; an errors.jsonl beside it that already holds this input's failures keeps being used).", valueName: "path"), completion: .file())
    var errorsFilepath: String?

    @Option(name: .customLong("endpoint"), help: ArgumentHelp("An endpoint URL with an optional weight after the last @ (repeatable), e.g. http://gpu-a:8000/v1@3; anthropic:URL (or https://api.anthropic.com) speaks Anthropic's Messages API, with its key from ANTHROPIC_API_KEY; +free (your own server: answers cost nothing) or +price=IN/OUT (US dollars per million input/output tokens) at the end sets its price; batch:URL (anthropic-batch:URL) is a batch route: its share of records goes through the provider's batch API at the batch price (docs/batch.md).", valueName: "[anthropic:|batch:|anthropic-batch:]url[@weight][+free|+price=in/out]"))
    var endpoint: [String] = []

    @Option(name: .customLong("endpoints"), help: ArgumentHelp("YAML or JSON file: a list of {name, url, weight, api, api_key_env, model, max_in_flight, headers, rps, rpm, tpm, proxy, ca_file, client_cert, client_key, price, cost_per_hour, anthropic_version, metrics_url, server_metrics, route, batch_max_requests, batch_max_bytes, batch_fill_seconds, poll_interval, max_open_batches, service_tier} (api: openai or anthropic; rps/rpm/tpm: the endpoint's own limits; proxy: a URL or none; ca_file, client_cert, client_key: PEM files for private CAs and mutual TLS; price or cost_per_hour: see docs/cost.md; metrics_url: its server's Prometheus page, or none; server_metrics: {running, waiting, kv_cache} metric names; see docs/servers.md; route: batch and the batch_ keys make a batch route, service_tier: flex asks OpenAI's flex tier; see docs/batch.md).", valueName: "file"), completion: .file())
    var endpointsFile: String?

    @Option(name: .both("api_key_env"), help: ArgumentHelp("Environment variable holding the bearer key for endpoints that name none (default OPENAI_API_KEY; unset: no Authorization header).", valueName: "var"))
    var apiKeyEnvOption: String?

    /// The variable keys come from for endpoints that name none.
    var apiKeyEnv: String { apiKeyEnvOption ?? "OPENAI_API_KEY" }

    @Option(name: .both("max_requests_per_second"), parsing: .unconditional, help: ArgumentHelp("Limit on attempts sent per second, retries included; 0 = no limit (default: \(Int(Defaults.rate))).", valueName: "rate"), transform: DecimalArgument.parse)
    var maxRequestsPerSecond = Defaults.rate

    @Option(name: .both("max_in_flight"), parsing: .unconditional, help: ArgumentHelp("Global cap on requests awaiting an answer, or auto: each endpoint finds its own cap where more concurrency only adds latency (up to 10,000 each).", valueName: "n|auto"))
    var maxInFlight = InFlightOption.fixed(Defaults.maxInFlight)

    @Option(name: .both("rate_limit_patience"), parsing: .unconditional, help: ArgumentHelp("How long a record may keep meeting 429s (rate limits, which spend no attempt) before it fails, e.g. 15m; 0 counts each 429 as a failed attempt.", valueName: "duration"))
    var rateLimitPatience = "15m"

    @Flag(name: .both("no_learn_limits"), help: "Do not learn endpoints' rates from 429s and x-ratelimit-limit headers (Retry-After and reset headers are still obeyed).")
    var noLearnLimits = false

    @Flag(name: .customLong("stream"), help: "Ask every request for a stream (\"stream\": true, stream_options.include_usage), so time to first token, inter-token latency and exact token counts are measured per endpoint; lines that set stream themselves keep it.")
    var stream = false

    @Option(name: .customLong("deadline"), help: ArgumentHelp("Finish the whole file by this time (09:00, today or else tomorrow, local time) or after this long (6h, 90m) at the lowest price: batch routes take records while their batches are projected to end in time, and are cancelled, what they had not done sent real-time, when the real-time endpoints need the time left (see docs/batch.md).", valueName: "time|duration"))
    var deadline: String?

    @Option(name: .customLong("slo"), help: ArgumentHelp("Service-level targets for goodput, any of ttft=500ms,tpot=50ms,e2e=10s: the share and rate of records meeting every one, live and in the summary (ttft and tpot need --stream or streaming lines).", valueName: "targets"))
    var slo: String?

    @Option(name: .both("max_attempts"), parsing: .unconditional, help: ArgumentHelp("Attempts per record, the first one included.", valueName: "n"))
    var maxAttempts = Defaults.maxAttempts

    @Option(name: .customLong("timeout"), parsing: .unconditional, help: ArgumentHelp("Whole-request timeout: seconds, or a duration like 30s, 500ms, 10m.", valueName: "duration"))
    var timeout = Seconds(Defaults.timeout)

    @Option(name: .both("connect_timeout"), parsing: .unconditional, help: ArgumentHelp("Connection timeout: seconds, or a duration like 5s, 500ms.", valueName: "duration"))
    var connectTimeout = Seconds(Defaults.connectTimeout)

    @Option(name: .customLong("model"), help: ArgumentHelp("\"model\" for bodies that lack one (an endpoint's own model wins).", valueName: "name"))
    var model: String?

    @Option(name: .both("system_prompt"), help: ArgumentHelp("System message added to prompts given as {\"input\": ...}.", valueName: "text"))
    var systemPrompt: String?

    @Option(name: .both("max_tokens"), parsing: .unconditional, help: ArgumentHelp("\"max_tokens\" for bodies that lack it.", valueName: "n"))
    var maxTokens: Int?

    @Option(name: .customLong("temperature"), parsing: .unconditional, help: ArgumentHelp("\"temperature\" for bodies that lack it.", valueName: "t"), transform: DecimalArgument.parse)
    var temperature: Double?

    @Option(name: .both("drain_timeout"), parsing: .unconditional, help: ArgumentHelp("On q, SIGINT or SIGTERM, how long to wait for requests in flight before leaving them unwritten (a resumed run resends them): seconds, or a duration like 30s, 2m.", valueName: "duration"))
    var drainTimeout = Seconds(Defaults.drainTimeout)

    @Option(name: .both("max_response_bytes"), parsing: .unconditional, help: ArgumentHelp("A larger answer body fails the attempt instead of growing memory.", valueName: "bytes"))
    var maxResponseBytes = Defaults.maxResponseBytes

    @Option(name: .both("eject_after"), parsing: .unconditional, help: ArgumentHelp("Consecutive connection failures, timeouts or 5xx that take an endpoint out of rotation (1 s, doubling to 60 s, then one probe).", valueName: "n"))
    var ejectAfter = Defaults.ejectAfter

    @Option(name: .both("unreachable_after"), parsing: .unconditional, help: ArgumentHelp("Stop the run (exit 4) when every endpoint has failed — connection, DNS, TLS, timeouts, 5xx — for this long with no answer (seconds, or a duration like 10m); waiting on rate limits never counts (1s to 24h).", valueName: "duration"))
    var unreachableAfter = Seconds(Defaults.unreachableAfter)

    @Option(name: .customLong("shard"), help: ArgumentHelp("Process only shard i of n (0-based), chosen by a stable hash of each record's id, so n machines can split one file.", valueName: "i/n"))
    var shard: String?

    @Option(name: .customLong("shards"), parsing: .unconditional, help: ArgumentHelp("Split into n shards and take the index from $JOB_COMPLETION_INDEX (a Kubernetes Indexed Job).", valueName: "n"))
    var shards: Int?

    @Option(name: .both("fleet_rate"), parsing: .unconditional, help: ArgumentHelp("With --shard i/n or --shards n: the whole fleet's requests per second, retries included; each shard takes rate / n (in place of --max_requests_per_second, which is per shard); 0 = no limit.", valueName: "rate"), transform: DecimalArgument.parse)
    var fleetRate: Double?

    @Option(name: .customLong("prices"), help: ArgumentHelp("YAML or JSON prices keyed by model name with LiteLLM's per-token keys (input_cost_per_token, output_cost_per_token, cache_read_input_token_cost, cache_creation_input_token_cost); LiteLLM's own price map works as it is. Overrides the built-in table.", valueName: "file"), completion: .file())
    var prices: String?
    @Option(name: .both("max_cost"), parsing: .unconditional, help: ArgumentHelp("Hard spend cap in US dollars: before each send the worst case (the prompt's UTF-8 bytes, a bound no tokenizer passes, × input price + max_tokens × n × output price) is reserved, and nothing is sent that could pass the cap; what the save and errors files already record counts. Reaching it exits 6, leaving the rest unsent.", valueName: "usd"), transform: DecimalArgument.parse)
    var maxCost: Double?
    @Option(name: .both("fleet_max_cost"), parsing: .unconditional, help: ArgumentHelp("With --shard i/n or --shards n: the whole fleet's spend cap in US dollars; each shard takes cap / n (in place of --max_cost).", valueName: "usd"), transform: DecimalArgument.parse)
    var fleetMaxCost: Double?
    @Option(name: .both("limits_store"), help: ArgumentHelp("Share the fleet's limits through this Redis (6 or later), redis://HOST:PORT[/DB] or rediss://… for TLS: shards of one --fleet lease --fleet_rate from one bucket, obey scope: fleet commands, and go on alone at their share when it is gone. The password comes from --limits_store_password_env, never the URL.", valueName: "url"))
    var limitsStore: String?
    @Option(name: .both("limits_store_password_env"), help: ArgumentHelp("The environment variable holding the fleet store's password (unset or empty: none).", valueName: "var"))
    var limitsStorePasswordEnv = "REDIS_PASSWORD"
    @Option(name: .both("limits_store_client_cert"), help: ArgumentHelp("With rediss://: a PEM client certificate for the fleet store (with --limits_store_client_key); --ca_file and SSL_CERT_FILE/SSL_CERT_DIR set what it trusts.", valueName: "file"), completion: .file())
    var limitsStoreClientCert: String?
    @Option(name: .both("limits_store_client_key"), help: ArgumentHelp("With rediss://: the client certificate's PEM key.", valueName: "file"), completion: .file())
    var limitsStoreClientKey: String?
    @Option(name: .customLong("fleet"), help: ArgumentHelp("With --limits_store: the fleet's name; shards of one name share their limits (default: the input's fingerprint and the endpoints' names, so shards of one job meet by themselves).", valueName: "name"))
    var fleet: String?
    @Flag(name: .customLong("restart"), help: "Empty the save and errors files and start over (default: resume, skipping ids they already hold).")
    var restart = false

    @Option(name: .customLong("transport"), help: ArgumentHelp("HTTP client: nio, fanout's own on SwiftNIO (HTTP/1.1 and HTTP/2). ahc is accepted as an alias: the AsyncHTTPClient transport it named was folded into nio.", valueName: "nio|ahc"))
    var transport: TransportKind = .nio

    @Option(name: .customLong("proxy"), help: ArgumentHelp("Send every endpoint's requests through this HTTP proxy (CONNECT tunnels for https), or none to go direct; credentials in the URL are sent as Proxy-Authorization and never shown. Default: HTTPS_PROXY/HTTP_PROXY/ALL_PROXY and NO_PROXY from the environment, as curl reads them (loopback hosts go direct).", valueName: "http://[user:pass@]host:port|none"))
    var proxy: String?

    @Option(name: .both("ca_file"), help: ArgumentHelp("A PEM file of certificate authorities to trust beside the system's (or SSL_CERT_FILE/SSL_CERT_DIR's), for servers with an internal CA; an endpoint may add its own ca_file.", valueName: "path"), completion: .file())
    var caFile: String?

    @Flag(name: .customLong("http1"), help: "Speak HTTP/1.1 only: do not offer HTTP/2 by ALPN to TLS endpoints (default: HTTP/2 when the server chooses it, many requests per connection).")
    var http1 = false

    @Option(name: .customLong("seed"), parsing: .unconditional, help: ArgumentHelp("Seeds the backoff jitter, for reproducible runs (balancing is deterministic already; default: random).", valueName: "n"))
    var seed: UInt64?

    @Option(name: .both("output_format"), help: ArgumentHelp("Line shape of the save and errors files: fanout ({id, input, response, …}), openai-batch (the OpenAI Batch API's output lines) or anthropic-batch (Anthropic's Message Batches results lines).", valueName: "fanout|openai-batch|anthropic-batch"))
    var outputFormat: OutputFormat = .fanout

    @Option(name: .both("save_response"), help: ArgumentHelp("What a save line's response holds: text (the answer's text; finish_reason, refusal, tool_calls and logprobs beside it) or full (the whole response body, a stream joined into one completion).", valueName: "text|full"))
    var saveResponse: SaveResponse = .text

    @Option(name: .both("max_tokens_per_minute"), parsing: .unconditional, help: ArgumentHelp("Limit on tokens per minute over all endpoints, spread evenly (each request counts prompt characters / 4 + max_tokens, corrected by the usage the answer reports); 0 = no limit (default: 0).", valueName: "tokens"), transform: DecimalArgument.parse)
    var maxTokensPerMinute: Double = 0

    @Option(name: .both("metrics_port"), parsing: .unconditional, help: ArgumentHelp("Serve Prometheus metrics at http://127.0.0.1:PORT/metrics while the run lasts (0 picks a free port, printed at start).", valueName: "port"))
    var metricsPort: Int?

    @Option(name: .customLong("report"), help: ArgumentHelp("At the end of the run (also after q, a signal or a fatal error) write a self-contained HTML report here, and its figures as JSON beside it (PATH.json).", valueName: "path.html"), completion: .file())
    var report: String?

    @Option(name: .both("log_level"), help: ArgumentHelp("Log through swift-log at this level and above: trace (every answer), debug (retries), info (start, end, commands, cooldowns), notice (ejections), warning (failed records, bad lines), error; default off.", valueName: "level"))
    var logLevel: LogLevelOption?

    @Option(name: .both("log_file"), help: ArgumentHelp("Append the log to this file (default: stderr without the dashboard, fanout.log beside the save file with it — the log never draws on the screen).", valueName: "path"), completion: .file())
    var logFile: String?

    // The OpenAI cookbook script's flags (api_request_parallel_processor.py), so its command lines
    // carry over: each means what fanout's own option means, or is answered with it.

    @Option(name: .both("request_url"), help: ArgumentHelp("The cookbook script's --request_url: an endpoint like --endpoint (a trailing /chat/completions is dropped).", valueName: "url", visibility: .hidden))
    var requestURL: String?

    @Option(name: .both("max_requests_per_minute"), parsing: .unconditional, help: ArgumentHelp("The cookbook script's rate: --max_requests_per_second is this / 60.", valueName: "rate", visibility: .hidden), transform: DecimalArgument.parse)
    var maxRequestsPerMinute: Double?

    @Option(name: .both("token_encoding_name"), help: ArgumentHelp("Accepted from the cookbook script and not needed: fanout estimates tokens as characters / 4 and corrects by the usage each answer reports.", valueName: "name", visibility: .hidden))
    var tokenEncodingName: String?

    @Option(name: .both("logging_level"), help: ArgumentHelp("The cookbook script's --logging_level (10 debug, 20 info, 30 warning, 40 error, or a name): --log_level.", valueName: "level", visibility: .hidden))
    var loggingLevel: String?

    @Option(name: .both("api_key"), help: ArgumentHelp("Refused: a key on the command line is seen by every user of the machine (ps) and kept in shell history; export OPENAI_API_KEY (or name the variable with --api_key_env).", valueName: "key", visibility: .hidden))
    var apiKey: String?

    /// The cheap checks (no file, no network); `RunCommand.run()` checks the rest as it builds the plan.
    func validate() throws {
        _ = try checkValues()
    }
}

extension OutputFormat: ExpressibleByArgument {}

/// `--save_response`: the answer's text, or its whole body.
enum SaveResponse: String, ExpressibleByArgument, CaseIterable, Sendable {
    case text, full
}

/// `--max_in_flight`: a number, or `auto`.
enum InFlightOption: ExpressibleByArgument, Hashable, Sendable {
    case fixed(Int)
    case auto

    init?(argument: String) {
        if argument.lowercased() == "auto" {
            self = .auto
        } else if let number = Int(argument) {
            self = .fixed(number)
        } else {
            return nil
        }
    }

    var defaultValueDescription: String {
        switch self {
        case .fixed(let number): String(number)
        case .auto: "auto"
        }
    }

    /// The engine's value: nil for auto.
    var cap: Int? {
        if case .fixed(let number) = self { return number }
        return nil
    }
}

/// `--log_level` values: swift-log's levels.
enum LogLevelOption: String, ExpressibleByArgument, CaseIterable, Sendable {
    case trace, debug, info, notice, warning, error, critical

    var level: Logger.Level { Logger.Level(rawValue: rawValue)! }
}

/// The HTTP client a run names: there is one since AsyncHTTPClient left, and `ahc` stays accepted
/// so scripts that chose it keep working.
enum TransportKind: String, ExpressibleByArgument, CaseIterable, Sendable {
    case nio, ahc

    /// What the summary calls it, whichever spelling chose it.
    var name: String { "nio" }
}

extension NameSpecification {
    /// `--snake_case` and `--kebab-case` for the same option.
    static func both(_ snake: String) -> NameSpecification {
        [.customLong(snake), .customLong(snake.replacingOccurrences(of: "_", with: "-"))]
    }
}
