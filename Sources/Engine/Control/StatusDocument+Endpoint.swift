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
        @Nullable public var statusS: Double? = nil
        /// Why it cools: `429`, `503`, `limit`.
        @Nullable public var coolingReason: String? = nil
        /// Every result since its last answer has been a failure.
        public var failing: Bool
        /// False once its server was seen closing its connections after every answer (each request
        /// then goes on a fresh connection); absent (nil) from runs before this field.
        @Nullable public var reusesConnections: Bool? = nil
        /// What its server's own metrics page said at the last scrape (nil: no page).
        @Nullable public var server: Server? = nil
        /// Requests awaiting an answer; a batch route's records in batches (filling or open).
        public var inFlight: Int
        /// A batch route's open batches and those ended in the last minute (empty for a real-time endpoint; absent from runs before this field).
        @Nullable public var batches: [Batch]? = nil
        /// `realtime` or `batch` (absent from runs before this field).
        @Nullable public var route: String? = nil
        /// Its in-flight cap (nil: only the global one).
        @Nullable public var cap: Int? = nil
        public var capAuto: Bool
        /// Its own requests-per-second limit (nil: none).
        @Nullable public var rateLimit: Double? = nil
        /// Where that limit comes from: `configured`, `learned`, `headers`.
        @Nullable public var rateSource: String? = nil
        @Nullable public var baselineLatencyMs: Double? = nil
        public var headersDistrusted: Bool
        @Nullable public var providerLimits: ProviderLimits? = nil
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
        @Nullable public var costUsd: Double? = nil
        public var targetShare: Double
        public var actualShare: Double
        @Nullable public var p50Ms: Double? = nil
        @Nullable public var p90Ms: Double? = nil
        @Nullable public var p99Ms: Double? = nil
        @Nullable public var lastError: String? = nil
        public var latencyHistogram: Histogram
        public var tokens: Tokens
    }

    /// What the endpoint's last `x-ratelimit-*` headers said.
    public struct ProviderLimits: Codable, Sendable, Hashable {
        @Nullable public var limitRequests: Int? = nil
        @Nullable public var remainingRequests: Int? = nil
        @Nullable public var remainingTokens: Int? = nil
        @Nullable public var resetRequestsS: Double? = nil
        @Nullable public var resetTokensS: Double? = nil
    }
}
