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
    /// Lines that reached the save and errors files; after a failed write fewer than the snapshot's
    /// outcomes (the rest were lost with the write and are sent again by a rerun).
    public var written = WrittenLines()
    /// When no endpoint answered for `unreachableAfter` seconds: each endpoint's name and its last
    /// error (redacted), in configuration order.
    public var unreachable: [(endpoint: String, lastError: String)]?
}
