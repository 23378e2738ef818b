/// The live state of one run as the control endpoint serves it (`GET /v1/status`, each event of
/// `GET /v1/events`): schema `fanout.status/1`, documented in docs/control.md.
///
/// Keys are snake_case on the wire (`StatusCoding`). Durations are milliseconds where the key ends
/// in `_ms`, seconds where it ends in `_s`; rates are per second. Histograms are bin counts at fixed
/// log-spaced edges (`StatusDocument.Histogram`), so a fleet view adds them up and reads percentiles
/// from the sum. Fields may be added within a schema version; none is removed or changes meaning.
public struct StatusDocument: Codable, Sendable, Hashable {
    public static let currentSchema = "fanout.status/1"

    public var schema = Self.currentSchema
    public var pid: Int32
    public var host: String
    /// Unix time the run started, seconds.
    public var startedAt: Double
    public var elapsedS: Double
    /// `running`, `paused`, `draining` or `done`.
    public var state: String
    /// The run's exit code, once it has one (after `done`).
    public var exitCode: Int32?
    public var run: RunInfo
    public var records: Records
    /// Requests per second allowed, retries included (nil: no limit).
    @Nullable public var rateLimit: Double? = nil
    /// Tokens per minute allowed over every endpoint (nil: no limit).
    @Nullable public var tokensPerMinute: Double? = nil
    public var maxInFlight: Int
    /// `max_in_flight auto`: the endpoints' own caps bind, not `max_in_flight`.
    public var maxInFlightAuto: Bool
    /// Attempts sent per second over the last 5 s.
    public var sentPerS: Double
    /// Records finished per second over the last 5 s.
    public var finishedPerS: Double
    /// Attempts sent per second, each of the last 60 s, oldest first.
    public var sentHistory: [Double]
    /// Failed attempts by kind (`rate_limited`, `server_error`, …), bad lines included; kinds with none left out.
    public var errorsByKind: [KindCount]
    public var recentErrors: [RecentError]
    @Nullable public var firstBadLine: String? = nil
    public var tokens: Tokens
    @Nullable public var slo: ServiceLevelTargets? = nil
    /// Money: spent, $/min, the projection, the cap (absent from runs before this field).
    @Nullable public var cost: Cost? = nil
    /// fanout's own CPU use and event-loop lag (absent from runs before this field, null before measured).
    @Nullable public var client: Client? = nil
    /// `--deadline` (null without one; absent from runs before this field).
    @Nullable public var deadline: Deadline? = nil
    /// `--limits_store` (null without one; absent from runs before this field).
    @Nullable public var fleetStore: FleetStore? = nil
    public var endpoints: [Endpoint]

    /// What the run works on.
    public struct RunInfo: Codable, Sendable, Hashable {
        public var version: String
        public var input: String
        public var save: String
        public var errors: String
        /// Where its control endpoint listens (a socket path or `host:port`).
        @Nullable public var control: String? = nil
        @Nullable public var shard: String? = nil
        @Nullable public var inputBytes: Int? = nil
        public var inputBytesRead: Int

        public init(version: String, input: String, save: String, errors: String, control: String? = nil, shard: String? = nil,
                    inputBytes: Int? = nil, inputBytesRead: Int = 0) {
            self.version = version
            self.input = input
            self.save = save
            self.errors = errors
            self.control = control
            self.shard = shard
            self.inputBytes = inputBytes
            self.inputBytesRead = inputBytesRead
        }
    }

    public struct Records: Codable, Sendable, Hashable {
        /// Non-blank lines read.
        public var read: Int
        public var saved: Int
        /// Records in the errors file, bad lines included.
        public var failed: Int
        public var inFlight: Int
        /// Records in the input (this shard's), once counted.
        @Nullable public var total: Int? = nil
        public var badLines: Int
        /// Skipped because an earlier run finished them.
        public var resumed: Int
        /// Attempts sent, retries and resends included.
        public var sent: Int
        public var retries: Int
        public var resends: Int
        public var pendingRetries: Int
    }

    public struct KindCount: Codable, Sendable, Hashable {
        public var kind: String
        public var count: Int

        public init(kind: String, count: Int) {
            self.kind = kind
            self.count = count
        }
    }

    public struct RecentError: Codable, Sendable, Hashable {
        public var atS: Double
        /// An endpoint's name, or `input` for a bad line.
        public var source: String
        public var message: String
        /// What became of the attempt (`StatusDocument.Note`), nil for a bad line.
        @Nullable public var note: Note? = nil
    }

    /// `FailureNote` on the wire: its kind and the figures that kind has.
    public struct Note: Codable, Sendable, Hashable {
        /// `failed`, `rate_limited_too_long`, `rate_limited`, `not_processed`, `retrying`, `waiting_unsent`.
        public var kind: String
        @Nullable public var attempt: Int? = nil
        @Nullable public var of: Int? = nil
        @Nullable public var seconds: Double? = nil
        @Nullable public var sends: Int? = nil
    }

    /// US dollars.
    public struct Cost: Codable, Sendable, Hashable {
        /// Spent, earlier runs of the same files included.
        public var spentUsd: Double
        public var spentBeforeUsd: Double
        /// Held for the worst cases of requests in flight (with a cap).
        public var reservedUsd: Double
        public var perMinuteUsd: Double
        /// The total at completion at this run's cost per record (nil until the total is known).
        @Nullable public var projectedUsd: Double? = nil
        /// `--max_cost` (nil: none).
        @Nullable public var capUsd: Double? = nil
        /// Alert levels passed, as shares of the cap (0.5, 0.8, 0.95).
        public var alerts: [Double]
        /// `cap` or `provider_funds` once sending stopped for money.
        @Nullable public var stopped: String? = nil
        /// Whether anything could be priced (false: no price is known, so 0 means unknown).
        public var priced: Bool
    }

    public struct ServiceLevelTargets: Codable, Sendable, Hashable {
        @Nullable public var ttftS: Double? = nil
        @Nullable public var tpotS: Double? = nil
        @Nullable public var e2eS: Double? = nil
    }

    /// p50, p90 and p99 in milliseconds (nil before the first value).
    public struct Quantiles: Codable, Sendable, Hashable {
        @Nullable public var p50Ms: Double? = nil
        @Nullable public var p90Ms: Double? = nil
        @Nullable public var p99Ms: Double? = nil
    }

    /// Counts in log-spaced bins: bin 0 holds values below `floor_s`, bin i (1 ≤ i < last) values
    /// from `floor_s × 10^((i−1)/bins_per_decade)` up to the next edge, the last bin the overflow.
    /// Histograms with the same `bins_per_decade` and `floor_s` add bin by bin. Trailing empty bins
    /// are left out: a missing bin counts 0.
    public struct Histogram: Codable, Sendable, Hashable {
        public var binsPerDecade: Int
        public var floorS: Double
        public var total: Int
        public var counts: [Int]
    }

    public struct Tokens: Codable, Sendable, Hashable {
        public var answers: Int
        public var streamed: Int
        /// Answers that met every `--slo` target.
        public var good: Int
        public var prompt: Int
        public var completion: Int
        public var outputPerS: Double
        public var goodPerS: Double
        public var ttft: Quantiles
        public var itl: Quantiles
        public var tpot: Quantiles
        public var ttftHistogram: Histogram
        /// Answers and output tokens per second, each of the last 180 s, oldest first.
        public var answerHistory: [Double]
        public var tokenHistory: [Double]
    }
}
