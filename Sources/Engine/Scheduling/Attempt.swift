/// One try at sending a record, and what the scheduler remembers about its earlier tries.
public struct Attempt: Sendable {
    public let record: RequestRecord
    /// 1 for the first try: every send counts (the `attempts` written with the record).
    public let number: Int
    /// The endpoint the previous try went to, so a retry can prefer another one.
    public let previousEndpoint: Int?
    /// Earlier tries that failed and count against `--max_attempts` (429s about rate do not).
    public var failures = 0
    /// When this record met its first 429 about rate (nil: never); it fails once it has met them
    /// for `--rate_limit_patience`.
    public var rateLimitedSince: Double?
    /// The previous try met a 429: this one waits for an endpoint's rate, not for the retry budget.
    public var afterRateLimit = false
    /// Sends the server did not process (`EngineError.isUnprocessed`), which spent no attempt.
    public var freeResends = 0
    /// This try sends again one the server did not process: counted as a resend, not a retry.
    public var isFreeResend = false
    /// US dollars the record's earlier tries cost (nil: one of them could not be priced).
    public var spent: Double? = 0

    public init(record: RequestRecord, number: Int, previousEndpoint: Int?) {
        self.record = record
        self.number = number
        self.previousEndpoint = previousEndpoint
    }
}

/// An attempt the scheduler has handed out: send `attempt` to `endpoint`.
public struct Dispatch: Sendable {
    public let attempt: Attempt
    public let endpoint: Int
    /// The tokens charged to the limits for this attempt (0 while no token limit or header is in play).
    public var tokens = 0
    /// When it was handed out, seconds on the scheduler's clock.
    public var sentAt = 0.0
    /// US dollars held against `--max_cost` for this attempt's worst case (0 without a cap).
    public var reservedUSD = 0.0
    /// The prompt's bound (`PromptBound`) when a cap reserved for it (0 otherwise).
    public var promptBound = 0
}
