/// Carries out the run core's actions: the only place that spawns tasks, sleeps and reads the clock.
///
/// Starts the run's two background tasks (the reader, which reads a batch of input whenever the
/// core asks, and the 100 ms heartbeat), then hands the inbox to a `RunLoop` until the core says
/// the run is finished. Generic over `Clock`, so a test can drive it with a manual clock; a run
/// uses `ContinuousClock`.
struct Runner<C: Clock> where C.Duration == Duration {
    static var readBatch: Int { 512 }
    static var heartbeat: Duration { .milliseconds(100) }

    let configuration: EngineConfiguration
    let source: any RequestSource
    let transport: any Transport
    let sink: any ResultSink
    let stats: StatsRecorder
    let inbox: RunnerInbox
    let clock: C
    /// Unix time in seconds, for Retry-After given as an HTTP date.
    let wallClock: @Sendable () -> Double
    var serverMetrics: (any ServerMetricsSource)?
    var watchesClient = false
    /// The batch routes' APIs, by endpoint index.
    var batchAPIs: [Int: any BatchAPI] = [:]
    /// The fleet store (`--limits_store`), connected and checked at start; nil without one.
    var fleetStore: (any FleetStore)?

    func run() async -> RunResult {
        let start = clock.now
        await stats.markStart()
        let log = RunLog(configuration.logger)
        log.started(configuration)
        let (demand, askForMore) = AsyncStream.makeStream(of: Void.self)
        let reader = startReader(demand: demand)
        let heartbeat = Task { [inbox, clock, transport, endpoints = configuration.endpoints.indices] in
            var closing: Set<Int> = []
            while !Task.isCancelled {
                try? await clock.sleep(for: Self.heartbeat)
                // What the transport learned of the servers goes to the core with the beat.
                for endpoint in endpoints where !closing.contains(endpoint) && !transport.reusesConnections(endpoint: endpoint) {
                    closing.insert(endpoint)
                    inbox.post(.closesConnections(endpoint: endpoint))
                }
                inbox.post(.tick)
            }
        }
        let watchers = startWatchers()
        var loop = RunLoop(runner: self, start: start, log: log, askForMore: askForMore)
        await loop.start()
        let leftover = await loop.execute()
        await loop.drain(leftover)
        heartbeat.cancel()
        reader.cancel()
        watchers.forEach { $0.cancel() }
        return await loop.shutDown()
    }

    /// The servers' metrics scraper and the client's own sampler, when asked for.
    private func startWatchers() -> [Task<Void, Never>] {
        var tasks: [Task<Void, Never>] = []
        if let serverMetrics {
            let scraper = ServerMetricsScraper(source: serverMetrics, clock: clock, wallClock: wallClock) { [inbox] endpoint, load in
                inbox.post(.serverLoad(endpoint: endpoint, load))
            }
            tasks.append(Task { await scraper.run() })
        }
        if watchesClient {
            let sampler = ClientSampler { [inbox] load in inbox.post(.clientLoad(load)) }
            tasks.append(sampler.start())
        }
        return tasks
    }

    /// Reads a batch of input each time `demand` asks, and posts it (an empty batch ends the input).
    private func startReader(demand: AsyncStream<Void>) -> Task<Void, Never> {
        Task { [source, inbox] in
            for await _ in demand {
                do {
                    let items = try await source.next(max: Self.readBatch)
                    inbox.post(.itemsRead(items))
                    if items.isEmpty { return }
                } catch {
                    inbox.post(.sourceFailed(error as? EngineError ?? .inputUnreadable(path: "input", "\(error)")))
                    return
                }
            }
        }
    }
}
