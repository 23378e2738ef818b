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
    /// What the page is: Prometheus text, or llama.cpp's `/slots` (its slots and which are busy,
    /// served by default where `/metrics` needs `--metrics`).
    public var kind = Kind.prometheus

    public enum Kind: Sendable, Hashable {
        case prometheus
        case llamaSlots
    }

    /// The pages the run's endpoints name or imply, in endpoint order.
    /// An endpoint without a named page gets two guesses, `/metrics` first, then llama.cpp's `/slots`.
    public static func targets(for endpoints: [EndpointConfiguration]) -> [ServerMetricsTarget] {
        endpoints.enumerated().flatMap { index, endpoint -> [ServerMetricsTarget] in
            let names = endpoint.serverMetricNames ?? .known
            switch endpoint.metricsURL {
            case .none:
                return []
            case .url(let url):
                let path = (url.path.isEmpty ? "/metrics" : url.path) + (url.query.map { "?" + $0 } ?? "")
                return [ServerMetricsTarget(endpoint: index, url: url, path: path, names: names, isGuess: false)]
            case .automatic:
                guard !endpoint.url.isKnownHostedAPI, let origin = EndpointURL(endpoint.url.origin) else { return [] }
                var slots = ServerMetricsTarget(endpoint: index, url: origin, path: "/slots", names: names, isGuess: true)
                slots.kind = .llamaSlots
                return [ServerMetricsTarget(endpoint: index, url: origin, path: "/metrics", names: names, isGuess: true), slots]
            }
        }
    }

    /// What one answer says: the load, or nil when it holds none of the names.
    public func read(status: Int, body: [UInt8], scrapedAt: Double) -> ServerLoad? {
        guard status == 200 else { return nil }
        switch kind {
        case .prometheus: return names.load(from: PrometheusText.families(in: body, names: names.all), scrapedAt: scrapedAt)
        case .llamaSlots: return Self.slotsLoad(body, scrapedAt: scrapedAt)
        }
    }

    /// llama.cpp's `/slots`: `[{"id", "is_processing", …}, …]` gives the slots and the busy ones;
    /// nothing says who waits.
    static func slotsLoad(_ body: [UInt8], scrapedAt: Double) -> ServerLoad? {
        guard body.count <= 1 << 20, case .array(let slots)? = try? JSONParser.parse(body), !slots.isEmpty,
              slots.count <= Int(ServerMetricNames.maxRequests), slots.allSatisfy({ $0["id"] != nil }) else { return nil }
        var load = ServerLoad(scrapedAt: scrapedAt)
        load.running = Double(slots.filter { $0["is_processing"] == .bool(true) }.count)
        load.slots = Double(slots.count)
        return load
    }
}
