import Logging

/// Everything a run needs to know, as validated values.
public struct EngineConfiguration: Sendable {
    public var endpoints: [EndpointConfiguration]
    /// Attempts per second, retries included; 0 for no limit.
    public var rate: Double
    /// Global cap on requests awaiting an answer.
    public var maxInFlight: Int
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
    public var ejectAfter = 5
    /// Seconds a stop waits for requests in flight before abandoning them.
    public var drainTimeout: Double = 30
    /// Seconds every endpoint may fail (connections, DNS, TLS, timeouts, 5xx) before the run stops
    /// as unreachable; waiting on rate limits never counts.
    public var unreachableAfter: Double = 60
    /// Tokens per minute over all endpoints (`TokenLimiter`); 0 for no limit.
    public var tokensPerMinute: Double = 0
    /// Where the run logs (starts, commands, cooldowns, ejections, failures); silent by default.
    /// Messages never hold a key.
    public var logger = Logger.disabled
    /// The shape of the save and errors files' lines.
    public var outputFormat = OutputFormat.fanout

    public init(endpoints: [EndpointConfiguration], rate: Double = 100, maxInFlight: Int = 1024,
                retryPolicy: RetryPolicy = RetryPolicy(maxAttempts: 5), timeout: Double = 600, seed: UInt64? = nil) {
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
        guard maxInFlight >= 1 else { throw .configuration("max in flight must be at least 1") }
        guard retryPolicy.maxAttempts >= 1 else { throw .configuration("max attempts must be at least 1") }
        guard timeout > 0 else { throw .configuration("the timeout must be above 0") }
    }
}

/// A commands the engine takes while it runs.
public enum EngineCommand: Sendable, Hashable {
    case pause
    case resume
    /// Requests per second; 0 lifts the limit.
    case setRate(Double)
    case setWeight(endpoint: Int, weight: Double)
    /// Stop sending; in-flight requests finish and are written.
    case stop
}

/// A small, fast, seedable generator (SplitMix64) for jitter and tie-breaking.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
