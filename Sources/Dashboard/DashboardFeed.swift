import Engine

/// What the dashboard loop reads and steers: this process's engine, or a run it is attached to.
protocol DashboardFeed: Sendable {
    /// The figures to draw now.
    func frame() async -> DashboardFrame
    /// Applies a key's command; a sentence when it could not be done (shown in the footer).
    func perform(_ command: EngineCommand) async -> String?
    /// A fleet: show shard `index`'s own figures from the next frame on (nil: the fleet's).
    func focus(on index: Int?)
}

extension DashboardFeed {
    func focus(on index: Int?) {}
}

/// One frame's figures and what the screen says about where they come from.
struct DashboardFrame: Sendable {
    var snapshot: StatsSnapshot
    /// The input's record count, once counted.
    var totalLines: Int?
    /// Attached: the run's exit code, once it has one.
    var exitCode: Int32?
    /// Attached: why the figures are not live, nil while they are.
    var link: String?
    /// A fleet: each shard's row (empty for one run).
    var shards: [ShardRow] = []
    /// Attached: the status held figures out of bounds (`StatusDocument.bounded`), shown as suspect.
    var suspect = false
}

/// The run of this process.
struct EngineFeed: DashboardFeed {
    let engine: Engine
    let total: @Sendable () -> Int?

    func frame() async -> DashboardFrame {
        DashboardFrame(snapshot: await engine.snapshot(), totalLines: total())
    }

    func perform(_ command: EngineCommand) async -> String? {
        await engine.perform(command, from: .key)
        return nil
    }
}
