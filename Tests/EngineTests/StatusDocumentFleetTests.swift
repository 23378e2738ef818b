import Engine
import Testing

@Suite struct StatusDocumentFleetTests {
    /// One shard's document: `count` answers at `latency` seconds from endpoint `gpu-a` (and `gpu-b`
    /// when `both`), in `state`, with `rate` as its limit.
    func shard(pid: Int32, count: Int, latency: Double, state: StatsSnapshot.RunState = .running, rate: Double = 100,
               both: Bool = true, history: [Double] = [1, 2]) -> StatusDocument {
        var snapshot = StatsSnapshot()
        snapshot.state = state
        snapshot.elapsed = 10
        snapshot.read = count + 5
        snapshot.succeeded = count
        snapshot.failed = 1
        snapshot.inFlight = 3
        snapshot.sent = count + 1
        snapshot.targetRate = rate
        snapshot.maxInFlight = 64
        snapshot.measuredRate = rate
        snapshot.rateHistory = history
        snapshot.errorsByKind = [.server: 1]
        snapshot.recentErrors = [ErrorEntry(at: 5, source: "gpu-a", message: "HTTP 503")]
        for name in both ? ["gpu-a", "gpu-b"] : ["gpu-a"] {
            var endpoint = EndpointSnapshot(name: name, url: "http://\(name)/v1", weight: 2, initialWeight: 2, state: .ready)
            endpoint.succeeded = count
            endpoint.sent = count
            endpoint.inFlight = 1
            endpoint.actualShare = both ? 0.5 : 1
            for _ in 0..<count { endpoint.latencyDistribution.record(latency) }
            endpoint.p50 = latency
            endpoint.p99 = latency
            snapshot.endpoints.append(endpoint)
        }
        return StatusDocument(snapshot, context: .init(pid: pid, host: "box", startedAt: 1_800_000_000 + Double(pid),
                                                       run: .init(version: "0.1.0", input: "/in", save: "/out-\(pid)", errors: "/err-\(pid)"), total: 500))
    }

    /// Totals are sums over the shards; the rate limit is the sum; per-second series add at their ends.
    @Test func totalsAreSums() throws {
        let fleet = try #require(StatusDocument.fleet([shard(pid: 1, count: 90, latency: 0.01), shard(pid: 2, count: 10, latency: 2),
                                                       shard(pid: 3, count: 50, latency: 0.1, history: [5])]))
        #expect(fleet.records.saved == 150 && fleet.records.failed == 3 && fleet.records.inFlight == 9 && fleet.records.total == 1500)
        #expect(fleet.rateLimit == 300 && fleet.sentPerS == 300 && fleet.maxInFlight == 192)
        #expect(fleet.sentHistory == [2, 9])
        #expect(fleet.errorsByKind == [StatusDocument.KindCount(kind: "server_error", count: 3)])
        #expect(fleet.recentErrors.count == 1 && fleet.recentErrors[0].source.contains("(pid "))
        #expect(fleet.elapsedS == 12 && fleet.state == "running")
    }

    /// Shards reading one server show its latest scrape; the fleet's client is its most loaded shard's.
    @Test func bothSidesOfAFleet() throws {
        var first = shard(pid: 1, count: 10, latency: 0.1), second = shard(pid: 2, count: 10, latency: 0.1)
        var older = first.snapshot, newer = second.snapshot
        older.endpoints[0].control.server = ServerLoad(running: 3, waiting: 0, scrapedAt: 100)
        newer.endpoints[0].control.server = ServerLoad(running: 4, waiting: 2, scrapedAt: 101)
        older.control.client = ClientLoad(cpuPercent: 20, loopLagP99Ms: 2)
        newer.control.client = ClientLoad(cpuPercent: 95, loopLagP99Ms: 30)
        first = StatusDocument(older, context: .init(pid: 1, host: "box", startedAt: 1, run: first.run))
        second = StatusDocument(newer, context: .init(pid: 2, host: "box", startedAt: 2, run: second.run))
        let fleet = try #require(StatusDocument.fleet([first, second]))
        #expect(fleet.endpoints[0].server?.running == 4 && fleet.endpoints[0].server?.waiting == 2)
        #expect(fleet.client?.bound == true && fleet.client?.cpuPercent == 95)
    }

    /// A fleet's batch route lists every shard's batches and stays a batch route; the route and
    /// batches survive the trip through the wire.
    @Test func batchesOfAFleet() throws {
        var first = shard(pid: 1, count: 10, latency: 0.1), second = shard(pid: 2, count: 10, latency: 0.1)
        var one = first.snapshot, two = second.snapshot
        for (index, snapshot) in [one, two].enumerated() {
            var copy = snapshot
            copy.endpoints[1].control.isBatchRoute = true
            copy.endpoints[1].control.batches = [BatchView(id: "batch_\(index)", status: "in_progress", total: 10, completed: index, failed: 0,
                                                           createdAt: 100, expiresAt: nil)]
            if index == 0 { one = copy } else { two = copy }
        }
        first = StatusDocument(one, context: .init(pid: 1, host: "box", startedAt: 1, run: first.run))
        second = StatusDocument(two, context: .init(pid: 2, host: "box", startedAt: 2, run: second.run))
        #expect(first.snapshot.endpoints[1].control.isBatchRoute && first.snapshot.endpoints[1].control.batches.map(\.id) == ["batch_0"])
        #expect(first.endpoints[0].route == "realtime" && first.endpoints[0].batches == [])
        let fleet = try #require(StatusDocument.fleet([first, second]))
        #expect(fleet.endpoints[1].route == "batch" && fleet.endpoints[1].batches?.map(\.id) == ["batch_0", "batch_1"])
    }

    /// Endpoints merge by name; their percentiles come from the summed histograms, never averaged.
    @Test func percentilesFromMergedHistograms() throws {
        let fleet = try #require(StatusDocument.fleet([shard(pid: 1, count: 90, latency: 0.01), shard(pid: 2, count: 10, latency: 2, both: false)]))
        #expect(fleet.endpoints.map(\.name) == ["gpu-a", "gpu-b"])
        let a = fleet.endpoints[0]
        #expect(a.ok == 100 && a.inFlight == 2 && a.latencyHistogram.total == 100)
        let p50 = try #require(a.p50Ms), p99 = try #require(a.p99Ms)
        #expect(p50 > 9.9 && p50 < 11, "p50 \(p50) ms is the fast shard's, not an average")
        #expect(p99 > 1_990 && p99 < 2_200, "p99 \(p99) ms is the slow shard's")
        #expect(fleet.endpoints[1].ok == 90)
        #expect(abs(a.targetShare - 0.5) < 1e-9)
    }

    /// Running while any shard runs; paused when every live shard is paused; done when all are done;
    /// one shard without a limit makes the fleet's unlimited.
    @Test func stateAndLimits() throws {
        #expect(StatusDocument.fleet([shard(pid: 1, count: 1, latency: 0.1, state: .paused),
                                      shard(pid: 2, count: 1, latency: 0.1, state: .done)])?.state == "paused")
        #expect(StatusDocument.fleet([shard(pid: 1, count: 1, latency: 0.1, state: .done),
                                      shard(pid: 2, count: 1, latency: 0.1, state: .done)])?.state == "done")
        #expect(StatusDocument.fleet([shard(pid: 1, count: 1, latency: 0.1, rate: 0), shard(pid: 2, count: 1, latency: 0.1)])?.rateLimit == nil)
        #expect(StatusDocument.fleet([]) == nil)
        let one = shard(pid: 7, count: 3, latency: 0.1)
        #expect(StatusDocument.fleet([one]) == one)
    }

    /// A shard whose status says impossible things: every count at 2^63−1, rates and money at 1e308.
    static func hostile(_ document: StatusDocument) -> StatusDocument {
        var hostile = document
        let huge = Int.max
        hostile.records.saved = huge
        hostile.records.failed = huge
        hostile.records.resumed = huge
        hostile.records.total = huge
        hostile.errorsByKind = [.init(kind: "server_error", count: huge), .init(kind: "timeout", count: huge)]
        hostile.elapsedS = 1e308
        hostile.tokensPerMinute = 1e308
        hostile.sentPerS = .nan
        hostile.cost?.capUsd = 1e308
        hostile.cost?.spentUsd = 1e308
        hostile.tokens.prompt = huge
        var client = ClientLoad(cpuPercent: 50, loopLagP99Ms: 1)
        client.cpuPercent = 1e308
        client.loopLagP99Ms = .nan
        var withClient = document.snapshot
        withClient.control.client = client
        withClient.endpoints[0].control.server = ServerLoad(running: 1e308, waiting: -1e308, kvCacheUsage: 1e308, scrapedAt: -1)
        let context = StatusDocument.Context(pid: document.pid, host: document.host, startedAt: document.startedAt, run: document.run)
        let figures = StatusDocument(withClient, context: context)
        hostile.client = figures.client
        hostile.endpoints[0].server = figures.endpoints[0].server
        for index in hostile.endpoints.indices {
            hostile.endpoints[index].sent = huge
            hostile.endpoints[index].actualShare = 1e308
            hostile.endpoints[index].latencyHistogram.counts = Array(repeating: huge, count: 5000)
        }
        return hostile
    }

    /// Impossible figures are held within bounds (and said to be), so two shards at 2^63−1 each
    /// add up, draw and convert without trapping; a sane status is left as it is.
    @Test func impossibleFiguresAreHeld() throws {
        let sane = shard(pid: 1, count: 10, latency: 0.1)
        #expect(sane.bounded().clamped == false && sane.bounded().document == sane)
        let (first, clamped) = Self.hostile(sane).bounded()
        let (second, _) = Self.hostile(shard(pid: 2, count: 10, latency: 0.1)).bounded()
        #expect(clamped && first.records.saved == StatusDocument.maxCount && first.elapsedS <= 1e12 && first.sentPerS == 0)
        #expect(first.endpoints[0].latencyHistogram.counts.count <= 1024 && first.endpoints[0].actualShare == 1)
        #expect(first.client?.cpuPercent == 100 && first.client?.loopLagMsP99 == 0)
        #expect(first.endpoints[0].server?.running == ServerMetricNames.maxRequests && first.endpoints[0].server?.waiting == 0)
        #expect(first.endpoints[0].server?.kvCacheUsage == 1 && first.endpoints[0].server?.scrapedAt == 0)
        let fleet = try #require(StatusDocument.fleet([first, second]))
        #expect(fleet.records.saved == 2 * StatusDocument.maxCount)
        let snapshot = fleet.snapshot
        #expect(snapshot.errorsByKind.values.allSatisfy { $0 > 0 } && snapshot.succeeded > 0)
        // Even unbounded, the fleet's sums saturate instead of trapping.
        let raw = try #require(StatusDocument.fleet([Self.hostile(sane), Self.hostile(sane)]))
        #expect(raw.records.saved == Int.max && raw.endpoints[0].sent == Int.max)
        _ = raw.snapshot
    }
}
