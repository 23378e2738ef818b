/// The actor the runner reports to and the dashboard reads from.
///
/// The runner sends events in batches (every 100 ms), not one hop per request; `snapshot()` is
/// cheap enough to call several times a second.
public actor StatsRecorder {
    private var accumulator: StatsAccumulator
    private let clock = ContinuousClock()
    private var start: ContinuousClock.Instant
    private let progress: @Sendable () -> SourceProgress
    private var frozenAt: Double?

    public init(endpoints: [EndpointConfiguration], progress: @escaping @Sendable () -> SourceProgress = { SourceProgress() }) {
        accumulator = StatsAccumulator(endpoints: endpoints)
        start = clock.now
        self.progress = progress
    }

    /// Sets the moment the run started (elapsed time counts from here).
    public func markStart(_ instant: ContinuousClock.Instant) { start = instant }

    /// Adds a batch of events, each with its time (seconds since the start), and the scheduler's state.
    public func record(_ events: [(StatsEvent, Double)], control: ControlState) {
        for (event, time) in events { accumulator.record(event, at: time) }
        accumulator.update(control)
        if control.isFinished, frozenAt == nil { frozenAt = seconds(clock.now) }
    }

    /// The figures now (after the run has finished, frozen at its end).
    public func snapshot() -> StatsSnapshot {
        accumulator.snapshot(at: frozenAt ?? seconds(clock.now), progress: progress())
    }

    private func seconds(_ instant: ContinuousClock.Instant) -> Double {
        start.duration(to: instant).inSeconds
    }
}
