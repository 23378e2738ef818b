/// Where an endpoint's server publishes its metrics (`metrics_url:`), as the endpoints file chose.
public enum ServerMetricsChoice: Sendable, Hashable {
    /// `ORIGIN/metrics`, tried once at start for an endpoint that is not a known hosted API and
    /// dropped without a word when it does not answer Prometheus text in time.
    case automatic
    /// `metrics_url: URL`: scraped all run; a failed scrape shows as no figures.
    case url(EndpointURL)
    /// `metrics_url: none`.
    case none
}

/// One metrics page to scrape for one endpoint.
public struct ServerMetricsTarget: Sendable, Hashable {
    /// The endpoint's index in the run's configuration.
    public var endpoint: Int
    public var url: EndpointURL
    /// The request path, with the URL's query.
    public var path: String
    public var names: ServerMetricNames
    /// Tried by default rather than named: kept only when its first answer holds a known family.
    public var isGuess: Bool

    /// The pages the run's endpoints name or imply, in endpoint order.
    public static func targets(for endpoints: [EndpointConfiguration]) -> [ServerMetricsTarget] {
        endpoints.enumerated().compactMap { index, endpoint in
            let names = endpoint.serverMetricNames ?? .known
            switch endpoint.metricsURL {
            case .none:
                return nil
            case .url(let url):
                let path = (url.path.isEmpty ? "/metrics" : url.path) + (url.query.map { "?" + $0 } ?? "")
                return ServerMetricsTarget(endpoint: index, url: url, path: path, names: names, isGuess: false)
            case .automatic:
                guard !endpoint.url.isKnownHostedAPI, let origin = EndpointURL(endpoint.url.origin) else { return nil }
                return ServerMetricsTarget(endpoint: index, url: origin, path: "/metrics", names: names, isGuess: true)
            }
        }
    }

    /// What one answer says: the load, or nil when it holds none of the names.
    public func read(status: Int, body: [UInt8], scrapedAt: Double) -> ServerLoad? {
        guard status == 200 else { return nil }
        return names.load(from: PrometheusText.families(in: body, names: names.all), scrapedAt: scrapedAt)
    }
}
