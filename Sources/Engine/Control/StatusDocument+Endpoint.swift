extension StatusDocument {
    /// One endpoint's settings, load, limits and figures.
    public struct Endpoint: Codable, Sendable, Hashable {
        public var name: String
        public var url: String
        public var weight: Double
        public var initialWeight: Double
        /// `ready`, `cooling`, `ejected`, `probing` or `drained`.
        public var status: String
        /// Seconds left of a cooldown or an ejection.
        public var statusS: Double?
        /// Why it cools: `429`, `503`, `limit`.
        public var coolingReason: String?
        /// Every result since its last answer has been a failure.
        public var failing: Bool
        public var inFlight: Int
        /// Its in-flight cap (nil: only the global one).
        public var cap: Int?
        public var capAuto: Bool
        /// Its own requests-per-second limit (nil: none).
        public var rateLimit: Double?
        /// Where that limit comes from: `configured`, `learned`, `headers`.
        public var rateSource: String?
        public var baselineLatencyMs: Double?
        public var headersDistrusted: Bool
        public var providerLimits: ProviderLimits?
        public var sent: Int
        /// Answers saved from it.
        public var ok: Int
        /// Failed attempts, retried or not.
        public var errors: Int
        public var retries: Int
        public var resends: Int
        /// Records whose last attempt failed here.
        public var failedRecords: Int
        /// US dollars spent here this run (absent from runs before this field).
        public var costUsd: Double?
        public var targetShare: Double
        public var actualShare: Double
        public var p50Ms: Double?
        public var p90Ms: Double?
        public var p99Ms: Double?
        public var lastError: String?
        public var latencyHistogram: Histogram
        public var tokens: Tokens
    }

    /// What the endpoint's last `x-ratelimit-*` headers said.
    public struct ProviderLimits: Codable, Sendable, Hashable {
        public var limitRequests: Int?
        public var remainingRequests: Int?
        public var remainingTokens: Int?
        public var resetRequestsS: Double?
        public var resetTokensS: Double?
    }
}
