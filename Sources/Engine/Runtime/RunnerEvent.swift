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
