/// One series of the run's `Timeline`: what it counts (per bucket) or gauges (at the bucket's end).
///
/// Written by the stats accumulator and read by the report: the type names every series both
/// sides may use, so a misspelt name is a compile error, not an empty chart.
public enum TimelineSeries: Hashable, Sendable {
    // Counts.
    case answers(endpoint: String)
    /// Failed attempts, retried or not.
    case failures(endpoint: String)
    case retries(endpoint: String)
    /// Output tokens.
    case tokens(endpoint: String)
    case errors(ErrorKind)
    /// US dollars spent.
    case cost(endpoint: String)
    // Gauges.
    /// Requests in flight at one endpoint, or over all of them (nil).
    case inFlight(endpoint: String?)
    case weight(endpoint: String)
    /// The endpoint's in-flight cap (0: none).
    case cap(endpoint: String)
    /// The endpoint's own rate, requests per second (0: none).
    case rateLimit(endpoint: String)
    /// The run's rate limit, requests per second (0: none).
    case targetRate
    case maxInFlight
    /// Requests the endpoint's server runs and has waiting, from its own metrics (absent without).
    case serverRunning(endpoint: String)
    case serverWaiting(endpoint: String)
    /// fanout's own CPU (percent of all cores) and event-loop lag (p99, milliseconds).
    case clientCPU
    case clientLag

    /// Its name in the report's JSON: `answers/NAME`, `errors/KIND`, `in_flight`, `target_rate`, …
    public var key: String {
        switch self {
        case .answers(let name): "answers/\(name)"
        case .failures(let name): "failures/\(name)"
        case .retries(let name): "retries/\(name)"
        case .tokens(let name): "tokens/\(name)"
        case .errors(let kind): "errors/\(kind.code)"
        case .cost(let name): "cost/\(name)"
        case .inFlight(let name?): "in_flight/\(name)"
        case .inFlight(nil): "in_flight"
        case .weight(let name): "weight/\(name)"
        case .cap(let name): "cap/\(name)"
        case .rateLimit(let name): "rate_limit/\(name)"
        case .targetRate: "target_rate"
        case .maxInFlight: "max_in_flight"
        case .serverRunning(let name): "server_running/\(name)"
        case .serverWaiting(let name): "server_waiting/\(name)"
        case .clientCPU: "client_cpu_percent"
        case .clientLag: "client_loop_lag_ms_p99"
        }
    }
}
