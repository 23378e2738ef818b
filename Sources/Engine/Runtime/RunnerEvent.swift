/// What wakes the runner's loop.
enum RunnerEvent: Sendable {
    /// A command; `applied` is resumed once it is in effect and published in the stats.
    case command(EngineCommand, applied: CheckedContinuation<Void, Never>?)
    /// Items from the source; an empty array marks the end of the input.
    case items([SourceItem])
    case sourceFailed(EngineError)
    /// A dispatched attempt came back, with the endpoint's rate-limit headers if it sent any;
    /// times are seconds since the run started.
    case completed(Dispatch, Result<ParsedAnswer, EngineError>, limits: ProviderRateLimits?, sentAt: Double, finishedAt: Double)
    /// The timer the loop armed has fired.
    case timer
    /// The periodic heartbeat: publish stats, flush files.
    case tick
}

/// How a run ended.
public struct RunResult: Sendable {
    /// The figures at the end.
    public var snapshot: StatsSnapshot
    /// A fatal error that stopped the run early (e.g. the save file could not be written).
    public var fatalError: EngineError?
    /// True when a stop was asked for before every record was finished.
    public var wasStopped: Bool
    /// Requests still in flight when the drain timeout ran out (their records were not written).
    public var abandoned = 0
}
