/// The actor the runner reports to and the dashboard reads from.
///
/// The runner sends events in batches (every 100 ms), not one hop per request; `snapshot()` is
/// cheap enough to call several times a second.
public actor StatsRecorder {
    private var accumulator: StatsAccumulator
    private let stopwatch: Stopwatch
    private let progress: @Sendable () -> SourceProgress
    private var frozenAt: Double?

    /// - Parameter clock: what elapsed time is read from (a manual clock in tests).
    /// - Parameter control: the scheduler's state before the run's first publication (limits, weights).
    public init<C: Clock>(endpoints: [EndpointConfiguration], serviceLevels: ServiceLevels? = nil, control: ControlState? = nil,
                          progress: @escaping @Sendable () -> SourceProgress = { SourceProgress() },
                          clock: C = ContinuousClock()) where C.Duration == Duration {
        accumulator = StatsAccumulator(endpoints: endpoints, serviceLevels: serviceLevels)
        if let control { accumulator.update(control) }
        stopwatch = Stopwatch(clock: clock)
        self.progress = progress
    }

    /// Marks the moment the run started (elapsed time counts from here).
    public func markStart() { stopwatch.restart() }

    /// Adds a batch of events, each with its time (seconds since the start), and the scheduler's state.
    public func record(_ events: [(StatsEvent, Double)], control: ControlState) {
        for (event, time) in events { accumulator.record(event, at: time) }
        accumulator.update(control)
        accumulator.sampleTimeline(at: frozenAt ?? stopwatch.elapsed)
        if control.isFinished, frozenAt == nil { frozenAt = stopwatch.elapsed }
    }

    /// The figures over time and the operator's actions, for the report.
    public func history() -> (timeline: Timeline, actions: [OperatorAction]) {
        (accumulator.timeline, accumulator.actions)
    }

    /// The figures now (after the run has finished, frozen at its end).
    public func snapshot() -> StatsSnapshot {
        accumulator.snapshot(at: frozenAt ?? stopwatch.elapsed, progress: progress())
    }
}
