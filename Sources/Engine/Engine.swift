import Synchronization

/// The public face of the engine: run a batch, steer it while it runs, read its figures.
///
/// `run()` is called once; `pause()`, `resume()`, `setRate(_:)`, `setWeight(endpoint:_:)` and `stop()`
/// may be called from any task at any time and take effect at the runner's next step.
public final class Engine: Sendable {
    public let configuration: EngineConfiguration
    public let stats: StatsRecorder
    private let source: any RequestSource
    private let transport: any Transport
    private let sink: any ResultSink
    private let inbox = RunnerInbox()
    private let started = Mutex(false)
    private let clock: any Clock<Duration>
    private let wallClock: @Sendable () -> Double
    private let serverMetrics: (any ServerMetricsSource)?
    private let watchesClient: Bool
    private let batchAPIs: [Int: any BatchAPI]
    private let fleetStore: (any FleetStore)?

    /// - Parameters:
    ///   - clock: the run's time (sleeps, timers, elapsed time); a manual clock in tests.
    ///   - wallClock: Unix time in seconds, for `Retry-After` given as an HTTP date.
    ///   - serverMetrics: the servers' metrics pages to read each second (`ServerMetricsScraper`).
    ///   - watchesClient: measure fanout's own CPU use and event-loop lag (`ClientSampler`).
    ///   - batchAPIs: the batch routes' APIs by endpoint index (`BatchAPIs.make`); a batch route without one never sends.
    public init(configuration: EngineConfiguration, source: any RequestSource, transport: any Transport, sink: any ResultSink,
                clock: some Clock<Duration> = ContinuousClock(), wallClock: @escaping @Sendable () -> Double = { WallClock.now() },
                serverMetrics: (any ServerMetricsSource)? = nil, watchesClient: Bool = false, batchAPIs: [Int: any BatchAPI] = [:],
                fleetStore: (any FleetStore)? = nil) {
        self.fleetStore = fleetStore
        self.serverMetrics = serverMetrics
        self.batchAPIs = batchAPIs
        self.watchesClient = watchesClient
        self.configuration = configuration
        self.source = source
        self.transport = transport
        self.sink = sink
        self.clock = clock
        self.wallClock = wallClock
        stats = StatsRecorder(endpoints: configuration.endpoints, serviceLevels: configuration.serviceLevels,
                              control: Scheduler(configuration: configuration).control(now: 0), progress: { [source] in source.progress }, clock: clock)
    }

    /// Sends every record and returns when each has a final outcome, or after `stop()` once the
    /// requests in flight have finished. Shuts the transport down at the end.
    public func run() async -> RunResult {
        let first = started.withLock { started in
            defer { started = true }
            return !started
        }
        precondition(first, "Engine.run() may be called only once")
        let result = await run(on: clock)
        await transport.shutdown()
        await serverMetrics?.shutdown()
        return result
    }

    private func run<C: Clock<Duration>>(on clock: C) async -> RunResult {
        var runner = Runner(configuration: configuration, source: source, transport: transport, sink: sink,
                            stats: stats, inbox: inbox, clock: clock, wallClock: wallClock, serverMetrics: serverMetrics, watchesClient: watchesClient)
        runner.batchAPIs = batchAPIs
        runner.fleetStore = fleetStore
        return await runner.run()
    }

    public func pause() { send(.pause) }
    public func resume() { send(.resume) }
    /// Requests per second, retries included; 0 lifts the limit.
    public func setRate(_ rate: Double) { send(.setRate(max(0, rate))) }
    /// Weight of the endpoint at `endpoint` (its index in the configuration); 0 drains it.
    public func setWeight(endpoint: Int, _ weight: Double) { send(.setWeight(endpoint: endpoint, weight: max(0, weight))) }
    /// Graceful stop: nothing new is sent; what is in flight finishes and is written.
    public func stop(from source: CommandSource = .library) { send(.stop, from: source) }

    /// Queues a command without waiting (from any thread, e.g. a signal source's handler).
    public func send(_ command: EngineCommand, from source: CommandSource = .library) { inbox.post(.command(command, from: source)) }

    /// Applies a command and returns once it is in effect and visible in `snapshot()` (at once if
    /// the run has ended), so a caller's next read sees it.
    public func perform(_ command: EngineCommand, from source: CommandSource = .library) async {
        await withCheckedContinuation { continuation in
            if !inbox.post(.command(command, from: source), applied: continuation) { continuation.resume() }
        }
    }

    public func snapshot() async -> StatsSnapshot { await stats.snapshot() }
}
