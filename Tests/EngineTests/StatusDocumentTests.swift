import Engine
import Testing

@Suite struct StatusDocumentTests {
    static let context = StatusDocument.Context(
        pid: 4242, host: "box", startedAt: 1_700_000_000,
        run: .init(version: "0.1.0", input: "/data/in.jsonl", save: "/data/out.jsonl", errors: "/data/out_errors.jsonl", control: "/run/f/4242.sock"),
        total: 1000, exitCode: nil)

    /// A snapshot with every kind of figure the dashboard draws.
    static func snapshot() -> StatsSnapshot {
        var snapshot = StatsSnapshot()
        snapshot.state = .paused
        snapshot.elapsed = 12.5
        snapshot.read = 600
        snapshot.succeeded = 500
        snapshot.failed = 7
        snapshot.sent = 530
        snapshot.retries = 20
        snapshot.resends = 3
        snapshot.badLines = 2
        snapshot.resumed = 40
        snapshot.inFlight = 9
        snapshot.pendingRetries = 4
        snapshot.targetRate = 200
        snapshot.maxInFlight = 64
        snapshot.measuredRate = 199.5
        snapshot.completionRate = 180
        snapshot.rateHistory = [1, 2, 3]
        snapshot.promptTokens = 5000
        snapshot.completionTokens = 9000
        snapshot.errorsByKind = [.rateLimited: 12, .badInput: 2]
        snapshot.recentErrors = [ErrorEntry(at: 3, source: "gpu-a", message: "HTTP 503", note: .retrying(attempt: 1, of: 3, retryIn: 0.5)),
                                 ErrorEntry(at: 4, source: "input", message: "line 9: not valid JSON")]
        snapshot.progress = SourceProgress(bytesRead: 1000, totalBytes: 4000, linesRead: 600)
        snapshot.tokens.streamed = 10
        snapshot.tokens.ttft = Percentiles(p50: 0.12, p90: 0.2, p99: 0.4)
        snapshot.tokens.ttftDistribution.record(0.12)
        snapshot.serviceLevels = ServiceLevels(ttft: 0.5)
        var endpoint = EndpointSnapshot(name: "gpu-a", url: "http://gpu-a:8000/v1", weight: 2, initialWeight: 3,
                                        state: .cooling(seconds: 4, reason: .tooManyRequests))
        endpoint.inFlight = 9
        endpoint.sent = 530
        endpoint.succeeded = 500
        endpoint.errors = 30
        endpoint.p50 = 0.25
        endpoint.p99 = 1.5
        endpoint.limits.rate = 40
        endpoint.limits.rateSource = .learned
        endpoint.limits.inFlightCap = 16
        endpoint.limits.capIsAuto = true
        endpoint.providerLimits = ProviderRateLimits(limitRequests: 600, remainingRequests: 10, resetRequests: 2)
        endpoint.latencyDistribution.record(0.25)
        endpoint.latencyDistribution.record(1.5)
        endpoint.control.server = ServerLoad(running: 4, waiting: 1, kvCacheUsage: nil, scrapedAt: 1_700_000_010)
        snapshot.endpoints = [endpoint]
        snapshot.control.client = ClientLoad(cpuPercent: 91.5, loopLagP99Ms: 3.5)
        return snapshot
    }

    /// The wire carries the documented names: snake_case, `records`, `rate_limit`, `p50_ms`, lower-case states.
    @Test func wireNames() throws {
        let json = try #require(try JSONParser.parse(StatusCoding.encode(StatusDocument(Self.snapshot(), context: Self.context))))
        #expect(json["schema"]?.stringValue == "fanout.status/1")
        #expect(json["pid"]?.intValue == 4242)
        #expect(json["state"]?.stringValue == "paused")
        #expect(json["records"]?["in_flight"]?.intValue == 9)
        #expect(json["records"]?["saved"]?.intValue == 500)
        #expect(json["records"]?["total"]?.intValue == 1000)
        #expect(json["rate_limit"]?.doubleValue == 200)
        #expect(json["max_in_flight"]?.intValue == 64)
        let endpoint = try #require(json["endpoints"]?[0])
        #expect(endpoint["name"]?.stringValue == "gpu-a")
        #expect(endpoint["status"]?.stringValue == "cooling")
        #expect(endpoint["cap"]?.intValue == 16)
        #expect(endpoint["ok"]?.intValue == 500)
        #expect(endpoint["errors"]?.intValue == 30)
        #expect(endpoint["p50_ms"]?.doubleValue == 250)
        #expect(endpoint["p99_ms"]?.doubleValue == 1500)
        #expect(endpoint["rate_source"]?.stringValue == "learned")
        #expect(endpoint["latency_histogram"]?["bins_per_decade"]?.intValue == 32)
        #expect(json["tokens"]?["ttft"]?["p50_ms"]?.doubleValue == 120)
        #expect(json["exit_code"] == nil)
        #expect(endpoint["server"]?["running"]?.doubleValue == 4 && endpoint["server"]?["waiting"]?.doubleValue == 1)
        #expect(endpoint["server"]?["kv_cache_usage"] == .null && endpoint["server"]?["scraped_at"]?.doubleValue == 1_700_000_010)
        #expect(json["client"]?["cpu_percent"]?.doubleValue == 91.5 && json["client"]?["loop_lag_ms_p99"]?.doubleValue == 3.5)
        #expect(json["client"]?["bound"] == .bool(true))
        var unlimited = Self.snapshot()
        unlimited.targetRate = 0
        let open = try #require(try JSONParser.parse(StatusCoding.encode(StatusDocument(unlimited, context: Self.context))))
        #expect(open["rate_limit"] == .null || open["rate_limit"] == nil)
    }

    /// Encoded, decoded and turned back into a snapshot, every figure the dashboard draws survives.
    @Test func roundTrip() throws {
        let original = Self.snapshot()
        let document = StatusDocument(original, context: Self.context)
        let decoded = try StatusCoding.decode(StatusDocument.self, from: StatusCoding.encode(document))
        #expect(decoded == document)
        let back = decoded.snapshot
        #expect(back.state == .paused)
        #expect(back.succeeded == 500 && back.failed == 7 && back.read == 600 && back.inFlight == 9 && back.resumed == 40)
        #expect(back.errorsByKind == original.errorsByKind)
        #expect(back.recentErrors == original.recentErrors)
        #expect(back.tokens.ttft == original.tokens.ttft)
        #expect(back.tokens.ttftDistribution == original.tokens.ttftDistribution)
        #expect(back.serviceLevels == original.serviceLevels)
        #expect(back.progress == original.progress)
        #expect(back.endpoints == original.endpoints)
        #expect(back.control.client == original.control.client)
    }

    /// Latency histograms are sent without their empty tail and add up bin by bin across runs.
    @Test func histogramsMerge() throws {
        var fast = Distribution(), slow = Distribution()
        for _ in 0..<90 { fast.record(0.010) }
        for _ in 0..<10 { slow.record(2.0) }
        let first = StatusDocument.Histogram(fast), second = StatusDocument.Histogram(slow)
        #expect(first.counts.count < fast.counts.count)
        var merged = first.distribution
        merged.add(second.distribution)
        #expect(merged.total == 100)
        #expect(try #require(merged.percentile(50)) < 0.011)
        #expect(try #require(merged.percentile(95)) > 2.0)
        let other = try StatusCoding.decode(StatusDocument.Histogram.self, from: Array(#"{"bins_per_decade":10,"floor_s":0.001,"total":1,"counts":[1]}"#.utf8))
        #expect(other.distribution.total == 0)
    }

    /// Non-finite figures (none should occur) still make valid JSON.
    @Test func nonFiniteNumbers() throws {
        var snapshot = Self.snapshot()
        snapshot.measuredRate = .infinity
        let bytes = StatusCoding.encode(StatusDocument(snapshot, context: Self.context))
        #expect(try JSONParser.parse(bytes)["sent_per_s"]?.stringValue == "inf")
        #expect(try StatusCoding.decode(StatusDocument.self, from: bytes).sentPerS == .infinity)
    }
}
