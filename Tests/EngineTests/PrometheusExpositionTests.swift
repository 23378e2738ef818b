import Testing
@testable import Engine

@Suite struct PrometheusExpositionTests {
    /// Counters, gauges and a per-endpoint histogram in the text format; label values escaped.
    @Test func rendersTheSnapshot() {
        var snapshot = StatsSnapshot()
        snapshot.succeeded = 5
        snapshot.failed = 2
        snapshot.badLines = 1
        snapshot.retries = 3
        snapshot.inFlight = 4
        snapshot.errorsByKind = [.rateLimited: 2]
        var endpoint = EndpointSnapshot(name: #"gpu "a""#, url: "http://a:1/v1", weight: 2, initialWeight: 2, state: .ready)
        endpoint.sent = 9
        var buckets = LatencyBuckets()
        buckets.record(0.02)
        buckets.record(3)
        endpoint.latencyBuckets = buckets
        endpoint.providerLimits = ProviderRateLimits(remainingRequests: 17)
        endpoint.limits.rate = 2
        endpoint.limits.rateSource = .learned
        endpoint.limits.inFlightCap = 48
        endpoint.limits.capIsAuto = true
        snapshot.endpoints = [endpoint]
        let text = PrometheusExposition.render(snapshot)
        let lines = Set(text.split(separator: "\n").map(String.init))
        for expected in [
            #"fanout_records_total{outcome="succeeded"} 5"#, #"fanout_records_total{outcome="failed"} 1"#,
            #"fanout_records_total{outcome="bad_line"} 1"#, "fanout_retries_total 3", "fanout_in_flight 4",
            #"fanout_errors_total{kind="rate_limited"} 2"#, #"fanout_endpoint_requests_total{endpoint="gpu \"a\""} 9"#,
            #"fanout_request_duration_seconds_bucket{endpoint="gpu \"a\"",le="0.025"} 1"#,
            #"fanout_request_duration_seconds_bucket{endpoint="gpu \"a\"",le="5"} 2"#,
            #"fanout_request_duration_seconds_bucket{endpoint="gpu \"a\"",le="+Inf"} 2"#,
            #"fanout_request_duration_seconds_count{endpoint="gpu \"a\""} 2"#,
            #"fanout_endpoint_ratelimit_remaining{endpoint="gpu \"a\"",resource="requests"} 17"#,
            "# TYPE fanout_request_duration_seconds histogram",
            #"fanout_endpoint_rate_limit{endpoint="gpu \"a\"",source="learned"} 2"#,
            #"fanout_endpoint_in_flight_cap{endpoint="gpu \"a\"",mode="auto"} 48"#,
        ] {
            #expect(lines.contains(expected), "missing: \(expected)")
        }
        #expect(text.hasSuffix("\n"))
    }

    /// Streamed figures: TTFT and ITL histograms, tokens by type and output tokens/s per endpoint,
    /// and good records when --slo was given.
    @Test func rendersTokenFigures() {
        var snapshot = StatsSnapshot()
        snapshot.serviceLevels = ServiceLevels(ttft: 0.5)
        var endpoint = EndpointSnapshot(name: "gpu", url: "http://a:1/v1", weight: 1, initialWeight: 1, state: .ready)
        endpoint.tokens.ttftBuckets.record(0.2)
        endpoint.tokens.itlBuckets.record(0.004)
        endpoint.tokens.itlBuckets.record(0.012)
        endpoint.tokens.completionTokens = 64
        endpoint.tokens.promptTokens = 9
        endpoint.tokens.good = 1
        snapshot.endpoints = [endpoint]
        let text = PrometheusExposition.render(snapshot)
        #expect(text.contains("# TYPE fanout_endpoint_ttft_seconds histogram"))
        #expect(text.contains(#"fanout_endpoint_ttft_seconds_bucket{endpoint="gpu",le="0.25"} 1"#))
        #expect(text.contains(#"fanout_endpoint_itl_seconds_bucket{endpoint="gpu",le="0.005"} 1"#))
        #expect(text.contains(#"fanout_endpoint_itl_seconds_bucket{endpoint="gpu",le="0.02"} 2"#))
        #expect(text.contains(#"fanout_endpoint_itl_seconds_count{endpoint="gpu"} 2"#))
        #expect(text.contains(#"fanout_endpoint_tokens_total{endpoint="gpu",type="completion"} 64"#))
        #expect(text.contains(#"fanout_endpoint_good_records_total{endpoint="gpu"} 1"#))
        #expect(text.contains("fanout_endpoint_output_tokens_per_second"))
    }

    /// The servers' own gauges per endpoint (only those scraped; no KV family when none exports it)
    /// and fanout's CPU, loop lag and bound flag.
    @Test func bothSides() {
        var snapshot = StatsSnapshot()
        var scraped = EndpointSnapshot(name: "gpu-a", url: "http://a:1/v1", weight: 1, initialWeight: 1, state: .ready)
        scraped.control.server = ServerLoad(running: 4, waiting: 2, kvCacheUsage: nil, scrapedAt: 1)
        snapshot.endpoints = [scraped, EndpointSnapshot(name: "api", url: "https://api.openai.com/v1", weight: 1, initialWeight: 1, state: .ready)]
        snapshot.control.client = ClientLoad(cpuPercent: 90, loopLagP99Ms: 4)
        let text = PrometheusExposition.render(snapshot)
        #expect(text.contains("fanout_server_requests_running{endpoint=\"gpu-a\"} 4\n"))
        #expect(text.contains("fanout_server_requests_waiting{endpoint=\"gpu-a\"} 2\n"))
        #expect(!text.contains("fanout_server_kv_cache_usage") && !text.contains("endpoint=\"api\"} 0\nfanout_server"))
        #expect(text.contains("fanout_client_cpu_percent 90\n") && text.contains("fanout_client_loop_lag_p99_seconds 0.004\n"))
        #expect(text.contains("fanout_client_bound 1\n"))
    }

    /// Under --max_in_flight auto, fanout_max_in_flight is the sum of the endpoints' learned caps, not the ceiling.
    @Test func autoCapInForce() {
        var snapshot = StatsSnapshot()
        snapshot.inFlightIsAuto = true
        snapshot.maxInFlight = 30_000
        for cap in [12, 30] {
            var endpoint = EndpointSnapshot(name: "e\(cap)", url: "http://e:1/v1", weight: 1, initialWeight: 1, state: .ready)
            endpoint.maxInFlight = cap
            snapshot.endpoints.append(endpoint)
        }
        #expect(PrometheusExposition.render(snapshot).contains("fanout_max_in_flight 42\n"))
    }
}
