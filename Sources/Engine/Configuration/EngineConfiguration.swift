import Logging

/// Everything a run needs to know, as validated values.
public struct EngineConfiguration: Sendable {
    public var endpoints: [EndpointConfiguration]
    /// Attempts per second, retries included; 0 for no limit.
    public var rate: Double
    /// Global cap on requests awaiting an answer; nil for `auto` (every endpoint without a cap of
    /// its own finds one).
    public var maxInFlight: Int?
    public var retryPolicy: RetryPolicy
    /// Whole-request timeout, seconds.
    public var timeout: Double
    /// Seeds the backoff jitter; nil for a random seed.
    public var seed: UInt64?
    /// What an earlier run finished (from `ResumeIndex`); those lines are skipped (counted as resumed).
    public var finished = FinishedRecords()
    /// Only records of this shard are processed (nil: all).
    public var shard: Shard?
    /// Consecutive connection failures, timeouts or 5xx that eject an endpoint for a while.
    public var ejectAfter = Defaults.ejectAfter
    /// Seconds a stop waits for requests in flight before abandoning them.
    public var drainTimeout = Defaults.drainTimeout
    /// Seconds every endpoint may fail (connections, DNS, TLS, timeouts, 5xx) before the run stops
    /// as unreachable; waiting on rate limits never counts.
    public var unreachableAfter = Defaults.unreachableAfter
    /// Tokens per minute over all endpoints (`TokenLimiter`); 0 for no limit.
    public var tokensPerMinute: Double = 0
    /// Where the run logs (starts, commands, cooldowns, ejections, failures); silent by default.
    /// Messages never hold a key.
    public var logger = Logger.disabled
    /// The shape of the save and errors files' lines.
    public var outputFormat = OutputFormat.fanout
    /// Save each answer's whole response body as `response` (`--save_response full`), not its text.
    public var savesFullResponse = false

    /// Seconds a record may keep meeting 429s before it fails; 0 counts 429s as failed attempts.
    public var rateLimitPatience = Defaults.rateLimitPatience
    /// Whether 429s and rate-limit headers teach endpoints their rate (`LearnedRate`).
    public var learnsLimits = true
    /// `--stream`: every request asks for a stream with usage (`StreamNegotiation`); lines that set
    /// `stream` themselves keep it.
    public var stream = false
    /// `--slo`: the targets a record must meet to count as goodput (nil: no goodput is counted).
    public var serviceLevels: ServiceLevels?
    /// Prices, `--max_cost`, and what earlier runs of the same files spent.
    public var cost = CostConfiguration()
    /// Where batch routes journal their batches (beside the save file); nil: not journalled.
    public var batchJournal: BatchJournal?
    /// Batches an earlier run journalled and did not finish, each with its endpoint's index here.
    public var batchRecovery: [(entry: BatchJournal.Entry, endpoint: Int)] = []
    /// `--deadline`: seconds from the run's start by which the file should be done (batch routes
    /// are given up for real-time ones in time to make it).
    public var deadline: Double?
    /// `--limits_store`: the fleet store this shard shares its limits through (nil: none). With
    /// one, `rate` is the fleet's whole rate.
    public var fleetStore: FleetStoreConfiguration?

    public init(endpoints: [EndpointConfiguration], rate: Double = Defaults.rate, maxInFlight: Int? = Defaults.maxInFlight,
                retryPolicy: RetryPolicy = RetryPolicy(maxAttempts: Defaults.maxAttempts), timeout: Double = Defaults.timeout,
                seed: UInt64? = nil) {
        self.endpoints = endpoints
        self.rate = rate
        self.maxInFlight = maxInFlight
        self.retryPolicy = retryPolicy
        self.timeout = timeout
        self.seed = seed
    }

    /// Ids an earlier run finished, refused lines matched by id (`finished` keeps them apart).
    public var alreadyDone: IDSet {
        get { finished.ids }
        set { finished = FinishedRecords(ids: newValue) }
    }

    /// Checks the values a caller could get wrong; the message names the setting.
    public func validate() throws(EngineError) {
        guard !endpoints.isEmpty else { throw .configuration("no endpoint is configured") }
        guard endpoints.allSatisfy({ $0.weight >= 0 && $0.weight.isFinite }) else { throw .configuration("endpoint weights must be 0 or more") }
        guard endpoints.contains(where: { $0.weight > 0 }) else { throw .configuration("at least one endpoint needs a weight above 0") }
        guard rate >= 0, rate.isFinite else { throw .configuration("the rate must be 0 (no limit) or more") }
        guard tokensPerMinute >= 0, tokensPerMinute.isFinite else { throw .configuration("tokens per minute must be 0 (no limit) or more") }
        guard (maxInFlight ?? 1) >= 1 else { throw .configuration("max in flight must be at least 1") }
        guard retryPolicy.maxAttempts >= 1 else { throw .configuration("max attempts must be at least 1") }
        guard timeout > 0 else { throw .configuration("the timeout must be above 0") }
        guard rateLimitPatience >= 0, rateLimitPatience.isFinite else { throw .configuration("the rate-limit patience must be 0 or more") }
    }
}
