/// What a model server's own metrics page said of its load at one scrape.
public struct ServerLoad: Sendable, Hashable {
    /// Requests the server is working on (its batch), nil when it exports no such gauge.
    public var running: Double?
    /// Requests queued at the server for a slot, nil when it exports no such gauge.
    public var waiting: Double?
    /// The share of its KV cache in use, 0–1; nil when it exports no such gauge (llama.cpp).
    public var kvCacheUsage: Double?
    /// Unix seconds of the scrape.
    public var scrapedAt: Double
    /// How many requests the server runs at once, when it says (llama.cpp's `/slots`); not in the status.
    public var slots: Double?

    public init(running: Double? = nil, waiting: Double? = nil, kvCacheUsage: Double? = nil, scrapedAt: Double) {
        self.running = running
        self.waiting = waiting
        self.kvCacheUsage = kvCacheUsage
        self.scrapedAt = scrapedAt
    }

    /// Whether any of the three gauges was found.
    public var isEmpty: Bool { running == nil && waiting == nil && kvCacheUsage == nil }
}

/// Which metric families hold a server's running and waiting requests and its KV-cache use.
///
/// `known` lists vLLM's, SGLang's, TGI's and llama.cpp's; an endpoint's `server_metrics:` names
/// its own. The first name of a list that the page holds is read; its samples are summed over
/// their labels (vLLM labels by model and engine), the KV share averaged.
public struct ServerMetricNames: Sendable, Hashable {
    public var running: [String]
    public var waiting: [String]
    public var kvCache: [String]

    public init(running: [String] = [], waiting: [String] = [], kvCache: [String] = []) {
        self.running = running
        self.waiting = waiting
        self.kvCache = kvCache
    }

    /// vLLM, SGLang, TGI and llama.cpp.
    public static let known = ServerMetricNames(
        running: ["vllm:num_requests_running", "sglang:num_running_reqs", "tgi_batch_current_size", "llamacpp:requests_processing"],
        waiting: ["vllm:num_requests_waiting", "sglang:num_queue_reqs", "tgi_queue_size", "llamacpp:requests_deferred"],
        kvCache: ["vllm:kv_cache_usage_perc", "vllm:gpu_cache_usage_perc", "sglang:token_usage"])

    /// Every name, for the parser to keep.
    var all: Set<String> { Set(running + waiting + kvCache) }

    /// The load a page's samples give, nil when none of the names is there.
    func load(from samples: [String: PrometheusText.Family], scrapedAt: Double) -> ServerLoad? {
        func first(_ names: [String]) -> PrometheusText.Family? { names.lazy.compactMap { samples[$0] }.first }
        var load = ServerLoad(scrapedAt: scrapedAt)
        load.running = first(running).flatMap { Self.count($0.sum) }
        load.waiting = first(waiting).flatMap { Self.count($0.sum) }
        load.kvCacheUsage = first(kvCache).flatMap { Self.share($0.mean) }
        return load.isEmpty ? nil : load
    }

    /// The most requests a server is believed to run or queue: a page claiming more lies.
    public static let maxRequests = 1_000_000.0

    /// A request count as given, nil past `maxRequests` (or not finite).
    static func count(_ value: Double) -> Double? { value.isFinite && value <= maxRequests ? value : nil }

    /// A KV-cache figure as a share: 0–1 as given, 1–100 read as a percentage, anything else none.
    static func share(_ value: Double) -> Double? {
        switch value {
        case 0...1: value
        case 1...100: value / 100
        default: nil
        }
    }
}
