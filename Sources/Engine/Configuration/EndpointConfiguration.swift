/// One OpenAI-compatible endpoint: where it is, its share of traffic, and its own settings.
///
/// The API key is held here but never printed: `description` and every error leave it out.
public struct EndpointConfiguration: Sendable, Hashable, CustomStringConvertible {
    public var name: String
    public var url: EndpointURL
    /// Relative share of traffic; 0 drains the endpoint.
    public var weight: Double
    /// The bearer token sent as `Authorization`, if any. Never logged.
    public var apiKey: String?
    /// Overrides the body's `model` for requests sent here (servers often name their model differently).
    public var model: String?
    /// The API it speaks: OpenAI's chat completions, or Anthropic's Messages (`api: anthropic`).
    public var dialect: APIDialect = .openAI
    /// `anthropic-version` for an Anthropic endpoint (nil: `APIDialect.defaultAnthropicVersion`).
    public var anthropicVersion: String?
    /// This endpoint's own price per token (`price:`), over the price table's for any model.
    public var price: ModelPrice?
    /// US dollars an hour (`cost_per_hour:`, a self-hosted server): it spends as the run's time
    /// passes, not per token.
    public var costPerHour: Double?
    /// This endpoint's own cap on requests awaiting an answer.
    public var maxInFlight: Int?
    /// `max_in_flight: auto`: the cap is found while the run goes (`ConcurrencyLimit`).
    public var adaptiveInFlight = false
    /// Extra request headers, e.g. `api-key` for Azure. Values are treated as secrets.
    public var headers: [HeaderField]
    /// This endpoint's own limit on requests per second (an `rpm` is kept as rpm / 60); nil for none.
    public var requestsPerSecond: Double?
    /// This endpoint's own tokens-per-minute limit; nil for none.
    public var tokensPerMinute: Double?
    /// The environment variable this endpoint's entry named for its key when that variable is unset
    /// (a warning at start: requests go without a key).
    public var missingKeyVariable: String?
    /// The entry's own `proxy` (a URL, or `none`); nil when it sets none.
    public var proxyChoice: ProxyChoice?
    /// How requests reach it, direct or through which proxy: chosen at start (`ProxySettings`).
    public var route = ProxyRoute.direct
    /// What a TLS connection to it trusts and presents (`ca_file`, `client_cert`, `client_key`).
    public var tls = TLSSettings()
    /// Where its server's own metrics are read (`metrics_url:`).
    public var metricsURL = ServerMetricsChoice.automatic
    /// The metric names its server uses (`server_metrics:`); nil: vLLM's, SGLang's, TGI's and llama.cpp's.
    public var serverMetricNames: ServerMetricNames?
    /// A batch route (`route: batch`): its records go to the provider's batch API; nil: real-time.
    public var batch: BatchSettings?
    /// OpenAI's `service_tier` set in each body (`flex`: the batch price, answered synchronously).
    public var serviceTier: String?
    /// Answers here are priced at the batch price: a batch route, or `service_tier: flex`.
    public var isBatchPriced: Bool { batch != nil || serviceTier == "flex" }

    public init(name: String? = nil, url: EndpointURL, weight: Double = 1, apiKey: String? = nil, model: String? = nil,
                maxInFlight: Int? = nil, headers: [HeaderField] = []) {
        self.name = name ?? url.hostAndPort
        self.url = url
        self.weight = weight
        self.apiKey = apiKey
        self.model = model
        self.maxInFlight = maxInFlight
        self.headers = headers
        dialect = APIDialect.implied(by: url)
    }

    public var description: String { "\(name) (\(url)) weight \(weight)" }

    /// What every request to this endpoint carries: its extra headers and, with a key, `Authorization`.
    /// Anthropic endpoints carry the key in `x-api-key` and an `anthropic-version`.
    public var requestHeaders: [HeaderField] {
        switch dialect {
        case .openAI:
            return headers + (apiKey.map { [HeaderField("authorization", "Bearer \($0)")] } ?? [])
        case .anthropic:
            let version = headers.contains { $0.name.lowercased() == "anthropic-version" }
                ? [] : [HeaderField("anthropic-version", anthropicVersion ?? APIDialect.defaultAnthropicVersion)]
            return headers + version + (apiKey.map { [HeaderField("x-api-key", $0)] } ?? [])
        }
    }
}
