extension StatusDocument.Histogram {
    /// The bin-by-bin sum of histograms with this version's bins (others count as empty).
    static func sum(_ histograms: [Self]) -> Self {
        var total = Distribution()
        for histogram in histograms { total.add(histogram.distribution) }
        return Self(total)
    }

    /// p50, p90 and p99 read from the histogram (at the upper edge of their bins), nil when empty.
    var quantiles: StatusDocument.Quantiles {
        let distribution = self.distribution
        return StatusDocument.Quantiles(p50Ms: distribution.percentile(50).map { $0 * 1000 },
                                        p90Ms: distribution.percentile(90).map { $0 * 1000 },
                                        p99Ms: distribution.percentile(99).map { $0 * 1000 })
    }
}

extension StatusDocument.Tokens {
    /// Shards' token figures added up: counts and rates summed, TTFT from the summed histograms;
    /// ITL and TPOT (percentiles only on the wire) kept when a single shard streams.
    static func fleet(_ shards: [Self]) -> Self {
        let streaming = shards.filter { $0.streamed > 0 }
        let ttftHistogram = StatusDocument.Histogram.sum(shards.map(\.ttftHistogram))
        return Self(answers: shards.map(\.answers).saturatingSum(), streamed: shards.map(\.streamed).saturatingSum(),
                    good: shards.map(\.good).saturatingSum(), prompt: shards.map(\.prompt).saturatingSum(),
                    completion: shards.map(\.completion).saturatingSum(), outputPerS: shards.reduce(0) { $0 + $1.outputPerS },
                    goodPerS: shards.reduce(0) { $0 + $1.goodPerS }, ttft: ttftHistogram.quantiles,
                    itl: streaming.count == 1 ? streaming[0].itl : StatusDocument.Quantiles(),
                    tpot: streaming.count == 1 ? streaming[0].tpot : StatusDocument.Quantiles(), ttftHistogram: ttftHistogram,
                    answerHistory: StatusDocument.sum(shards.map(\.answerHistory)), tokenHistory: StatusDocument.sum(shards.map(\.tokenHistory)))
    }
}

extension StatusDocument.Endpoint {
    /// How bad a status is, for the fleet's row: the worst shard's status is the endpoint's.
    private static let severity = ["drained": 0, "ready": 1, "probing": 2, "cooling": 3, "ejected": 4]

    /// Endpoints merged by name, in the order they first appear: counts and loads summed, percentiles
    /// from the summed latency histograms, the worst status, the first shard's weight.
    /// - Parameter shards: each shard's endpoints, with its send rate (for the actual share).
    static func fleet(_ shards: [(endpoints: [Self], sentPerS: Double)]) -> [Self] {
        var order: [String] = []
        var groups: [String: [(endpoint: Self, sentPerS: Double)]] = [:]
        for shard in shards {
            for endpoint in shard.endpoints {
                if groups[endpoint.name] == nil { order.append(endpoint.name) }
                groups[endpoint.name, default: []].append((endpoint, shard.sentPerS))
            }
        }
        var merged = order.map { merge(groups[$0] ?? []) }
        let weights = merged.map { max(0, $0.weight) }.reduce(0, +)
        let rate = shards.reduce(0) { $0 + $1.sentPerS }
        for index in merged.indices {
            merged[index].targetShare = weights > 0 ? max(0, merged[index].weight) / weights : 0
            let sending = groups[merged[index].name]?.reduce(0) { $0 + $1.endpoint.actualShare * $1.sentPerS } ?? 0
            merged[index].actualShare = rate > 0 ? sending / rate : 0
        }
        return merged
    }

    private static func merge(_ group: [(endpoint: Self, sentPerS: Double)]) -> Self {
        let parts = group.map(\.endpoint)
        var endpoint = parts[0]
        guard parts.count > 1 else { return endpoint }
        let worst = parts.max { (severity[$0.status] ?? 1) < (severity[$1.status] ?? 1) } ?? endpoint
        (endpoint.status, endpoint.statusS, endpoint.coolingReason) = (worst.status, worst.statusS, worst.coolingReason)
        endpoint.failing = parts.allSatisfy(\.failing)
        endpoint.inFlight = parts.map(\.inFlight).saturatingSum()
        endpoint.cap = parts.contains { $0.cap == nil } ? nil : parts.map { $0.cap ?? 0 }.saturatingSum()
        endpoint.capAuto = parts.contains(where: \.capAuto)
        endpoint.rateLimit = parts.contains { $0.rateLimit == nil } ? nil : parts.reduce(0) { $0 + ($1.rateLimit ?? 0) }
        endpoint.rateSource = parts.lazy.compactMap(\.rateSource).first
        endpoint.headersDistrusted = parts.contains(where: \.headersDistrusted)
        endpoint.providerLimits = parts.lazy.compactMap(\.providerLimits).first
        endpoint.sent = parts.map(\.sent).saturatingSum()
        endpoint.ok = parts.map(\.ok).saturatingSum()
        endpoint.errors = parts.map(\.errors).saturatingSum()
        endpoint.retries = parts.map(\.retries).saturatingSum()
        endpoint.resends = parts.map(\.resends).saturatingSum()
        endpoint.failedRecords = parts.map(\.failedRecords).saturatingSum()
        endpoint.costUsd = parts.reduce(0) { $0 + ($1.costUsd ?? 0) }
        // The shards read the same server: its latest scrape is the fleet's.
        endpoint.server = parts.compactMap(\.server).max { $0.scrapedAt < $1.scrapedAt }
        endpoint.reusesConnections = parts.contains { $0.reusesConnections == false } ? false : endpoint.reusesConnections
        endpoint.lastError = parts.lazy.compactMap(\.lastError).first
        // Each shard makes batches of its own: the fleet's are all of them (held to the first hundred).
        let batches = parts.flatMap { $0.batches ?? [] }
        endpoint.batches = batches.isEmpty && parts.allSatisfy({ $0.batches == nil }) ? nil : Array(batches.prefix(100))
        endpoint.route = parts.contains { $0.route == "batch" } ? "batch" : endpoint.route
        endpoint.latencyHistogram = StatusDocument.Histogram.sum(parts.map(\.latencyHistogram))
        let quantiles = endpoint.latencyHistogram.quantiles
        (endpoint.p50Ms, endpoint.p90Ms, endpoint.p99Ms) = (quantiles.p50Ms, quantiles.p90Ms, quantiles.p99Ms)
        endpoint.tokens = StatusDocument.Tokens.fleet(parts.map(\.tokens))
        return endpoint
    }
}
