import Engine

/// What the dashboard loop reads and steers: this process's engine, or a run it is attached to.
public protocol DashboardFeed: Sendable {
    /// The figures to draw now.
    func frame() async -> DashboardFrame
    /// Applies a key's command; a sentence when it could not be done (shown in the footer).
    func perform(_ command: EngineCommand) async -> String?
    /// A fleet: show shard `index`'s own figures from the next frame on (nil: the fleet's).
    func focus(on index: Int?)
}

extension DashboardFeed {
    public func focus(on index: Int?) {}
}

/// One frame's figures and what the screen says about where they come from.
public struct DashboardFrame: Sendable {
    public var snapshot: StatsSnapshot
    /// The input's record count, once counted.
    public var totalLines: Int?
    /// Attached: the run's exit code, once it has one.
    public var exitCode: Int32?
    /// Attached: why the figures are not live, nil while they are.
    public var link: String?
    /// A fleet: each shard's row (empty for one run).
    public var shards: [ShardRow] = []
    /// Attached: the status held figures out of bounds (`StatusDocument.bounded`), shown as suspect.
    public var suspect = false

    public init(snapshot: StatsSnapshot, totalLines: Int? = nil, exitCode: Int32? = nil, link: String? = nil, shards: [ShardRow] = [],
                suspect: Bool = false) {
        self.snapshot = snapshot
        self.totalLines = totalLines
        self.exitCode = exitCode
        self.link = link
        self.shards = shards
        self.suspect = suspect
    }
}

/// The run of this process.
public struct EngineFeed: DashboardFeed {
    let engine: Engine
    let total: @Sendable () -> Int?

    public init(engine: Engine, total: @escaping @Sendable () -> Int?) {
        self.engine = engine
        self.total = total
    }

    public func frame() async -> DashboardFrame {
        DashboardFrame(snapshot: await engine.snapshot(), totalLines: total())
    }

    public func perform(_ command: EngineCommand) async -> String? {
        await engine.perform(command, from: .key)
        return nil
    }
}
