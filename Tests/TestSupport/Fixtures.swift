import Engine

/// Snapshots with chosen figures for render tests.
public enum Fixtures {
    /// The busy run with $8.50 of a $10 cap spent, alerts passed at `alerted`, sending stopped for `stop`.
    public static func spending(stop: SpendStop? = nil, alerted: [Double] = [0.5, 0.8]) -> StatsSnapshot {
        var snapshot = Fixtures.busy()
        snapshot.control.spend.spent = 8.5
        snapshot.control.spend.perMinute = 0.42
        snapshot.control.spend.cap = 10
        snapshot.control.spend.isPriced = true
        snapshot.control.spend.alerted = alerted
        snapshot.control.spend.stop = stop
        for index in snapshot.endpoints.indices { snapshot.endpoints[index].control.spent = 8.5 / Double(snapshot.endpoints.count) }
        return snapshot
    }

    public static func endpoint(_ name: String, url: String, weight: Double, state: EndpointSnapshot.State = .ready, inFlight: Int = 0,
                         ok: Int = 0, errors: Int = 0, retries: Int = 0, target: Double = 0, actual: Double = 0,
                         p50: Double? = nil, p99: Double? = nil) -> EndpointSnapshot {
        var endpoint = EndpointSnapshot(name: name, url: url, weight: weight, initialWeight: weight, state: state)
        endpoint.inFlight = inFlight
        endpoint.succeeded = ok
        endpoint.sent = ok + errors
        endpoint.errors = errors
        endpoint.retries = retries
        endpoint.targetShare = target
        endpoint.actualShare = actual
        endpoint.p50 = p50
        endpoint.p99 = p99
        return endpoint
    }

    /// A busy run: three endpoints, one cooling after 429s, errors of several kinds.
    public static func busy(state: StatsSnapshot.RunState = .running) -> StatsSnapshot {
        var snapshot = StatsSnapshot()
        snapshot.state = state
        snapshot.elapsed = 252
        snapshot.targetRate = 2000
        snapshot.measuredRate = 2004
        snapshot.completionRate = 1000
        snapshot.rateHistory = (0..<60).map { Double(($0 * 37) % 100) * 20 }
        snapshot.read = 264_500
        snapshot.sent = 267_699
        snapshot.inFlight = 1187
        snapshot.maxInFlight = 4096
        snapshot.succeeded = 263_402
        snapshot.failed = 716
        snapshot.retries = 3581
        snapshot.promptTokens = 31_200_000
        snapshot.completionTokens = 8_900_000
        snapshot.errorsByKind = [.rateLimited: 2611, .server: 702, .timeout: 190, .connection: 76, .badInput: 14]
        snapshot.recentErrors = [
            ErrorEntry(at: 240, source: "input", message: "line 88,214: not valid JSON"),
            ErrorEntry(at: 249, source: "openai", message: "HTTP 503: upstream overloaded (attempt 2/5, retry in 1.2s)"),
            ErrorEntry(at: 251, source: "openai", message: "HTTP 429: Rate limit reached (attempt 1/5, retry in 2.4s)"),
        ]
        snapshot.endpoints = [
            endpoint("gpu-a", url: "http://10.0.0.5:8000/v1", weight: 3, inFlight: 602, ok: 134_510, errors: 12, retries: 440,
                     target: 0.5, actual: 0.51, p50: 0.182, p99: 0.410),
            endpoint("gpu-b", url: "http://10.0.0.6:8000/v1", weight: 2, inFlight: 401, ok: 89_004, errors: 3, retries: 301,
                     target: 0.33, actual: 0.34, p50: 0.201, p99: 0.455),
            endpoint("openai", url: "https://api.openai.com/v1", weight: 1, state: .cooling(seconds: 2.4, reason: .tooManyRequests), inFlight: 184,
                     ok: 39_888, errors: 701, retries: 2840, target: 0.17, actual: 0.15, p50: 0.690, p99: 3.1),
            endpoint("spare", url: "http://10.0.0.9:8000/v1", weight: 0, state: .drained),
        ]
        return snapshot
    }
}

extension Fixtures {
    /// A streaming run with `--slo`, built by feeding a real accumulator 200 s of answers: three
    /// endpoints with different TTFTs and paces, one slowing down after 120 s.
    public static func streaming(seconds: Int = 200) -> StatsSnapshot {
        let urls = ["http://10.0.0.5:8000/v1", "http://10.0.0.6:8000/v1", "https://api.example.com/v1"]
        let configurations = zip(["gpu-a", "gpu-b", "hosted"], urls).map { name, url in
            EndpointConfiguration(name: name, url: EndpointURL(url)!, weight: 1)
        }
        var stats = StatsAccumulator(endpoints: configurations, serviceLevels: ServiceLevels(ttft: 0.5, tpot: 0.05))
        for second in 0..<seconds {
            for endpoint in 0..<3 {
                let answers = [12, 8, 4][endpoint] + (endpoint == 0 && second > 120 ? -6 : 0)
                for index in 0..<answers {
                    let time = Double(second) + Double(index) / Double(answers)
                    let ttft = [0.18, 0.32, 0.65][endpoint] * (1 + Double(index % 5) / 10)
                    let gap = [0.02, 0.035, 0.06][endpoint]
                    let timing = StreamTiming(ttft: ttft, itl: Array(repeating: gap, count: 63), outputTokens: 64, tokensReported: true,
                                              duration: ttft + 63 * gap)
                    stats.record(.sent(endpoint: endpoint, isRetry: false), at: time - timing.duration)
                    stats.record(.succeeded(endpoint: endpoint, latency: timing.duration, promptTokens: 30, completionTokens: 64,
                                            timing: timing, good: ServiceLevels(ttft: 0.5, tpot: 0.05).isMet(latency: timing.duration, timing: timing)),
                                 at: time)
                }
            }
        }
        return stats.snapshot(at: Double(seconds), progress: SourceProgress())
    }
}
