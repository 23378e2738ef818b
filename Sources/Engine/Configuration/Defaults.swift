/// Every default a run starts from, in one place: the CLI's options, the engine's configuration,
/// the scheduler and the transports all read them here.
public enum Defaults {
    /// `max_tokens` set on a line translated for an Anthropic endpoint that gives none (Anthropic requires it).
    public static let anthropicMaxTokens = 4096
    /// The completion tokens `--max_cost` reserves for a line that sets no `max_tokens`.
    public static let costMaxTokens = 4096
    /// Attempts per second, retries included.
    public static let rate: Double = 100
    /// Requests awaiting an answer, over all endpoints.
    public static let maxInFlight = 1024
    /// Attempts per record, the first included.
    public static let maxAttempts = 5
    /// Whole-request timeout, seconds.
    public static let timeout: Double = 600
    /// Connection timeout, seconds.
    public static let connectTimeout: Double = 10
    /// How long a stop waits for requests in flight, seconds.
    public static let drainTimeout: Double = 30
    /// The largest answer body read, bytes.
    public static let maxResponseBytes = 64 * 1024 * 1024
    /// Consecutive endpoint failures that eject it.
    public static let ejectAfter = 5
    /// Seconds of nothing but failures from every endpoint before a run stops as unreachable.
    public static let unreachableAfter: Double = 60
    /// How long a record may keep meeting 429s (from its first) before it fails, seconds.
    public static let rateLimitPatience: Double = 900
    /// Connections fanout opens to one endpoint at most, whatever its in-flight cap (keys can raise a
    /// cap to a million): requests beyond them wait in the pool's queue for a connection.
    public static let maxConnectionsPerEndpoint = 8192
    /// The highest an automatic (`auto`) in-flight cap goes per endpoint; its connection pool never
    /// holds more connections than its cap.
    public static let autoInFlightCeiling = 10_000
}
