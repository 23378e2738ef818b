import RESP

/// The fleet store as the run sees it: one I/O edge with a Redis implementation (`RedisFleetStore`)
/// and a fake in the tests.
///
/// Every call has its own deadline and throws `RESPError` when the store is gone; the caller
/// (`FleetWorker`) then goes on alone and reconnects. Nothing here sleeps or retries.
public protocol FleetStore: Sendable {
    /// Connects, authenticates, selects the database and loads the scripts. A refusal of the
    /// password or of the database is `RESPError.refused` (not worth retrying).
    func connect() async throws(RESPError)
    /// This shard's heartbeat; the store's count of shards and the fleet's settings.
    func heartbeat(_ beat: FleetBeat) async throws(RESPError) -> FleetBeatReply
    /// Up to `want` tokens of the fleet's rate bucket at `rate` per second.
    func lease(rate: Double, want: Int, horizon: Double) async throws(RESPError) -> FleetGrant
    /// Writes fleet settings (`scope: fleet` commands).
    func write(_ fields: [FleetSettings.Field]) async throws(RESPError)
    /// Removes this shard from the fleet (its run ended) and closes the connection.
    func leave(shard: String) async
}

/// What a shard says with each heartbeat.
public struct FleetBeat: Sendable, Hashable {
    /// Unique across the fleet: host, pid and start.
    public var shard: String
    /// `{"pid":…,"host":…,"shard":"i/n"}`, for an operator reading the store.
    public var info: String
    /// Seconds of silence after which a shard is forgotten.
    public var forgetAfter: Double
    /// The settings this shard holds, written back when the store lost them.
    public var held: [String: String]

    public init(shard: String, info: String, forgetAfter: Double, held: [String: String]) {
        self.shard = shard
        self.info = info
        self.forgetAfter = forgetAfter
        self.held = held
    }
}

/// What a heartbeat brings back.
public struct FleetBeatReply: Sendable, Hashable {
    /// The store did not know this shard: it is new, forgotten, or the store restarted empty.
    public var isNew: Bool
    /// Shards with a heartbeat in the last `forgetAfter` seconds.
    public var shards: Int
    public var settings: [String: String]

    public init(isNew: Bool, shards: Int, settings: [String: String]) {
        self.isNew = isNew
        self.shards = shards
        self.settings = settings
    }
}

/// A lease from the fleet's rate bucket.
public struct FleetGrant: Sendable, Hashable {
    public var tokens: Int
    /// Seconds until the bucket has a token again (0 when the whole lease was granted).
    public var wait: Double
    /// The fleet's rate in force (the settings' `rate`, else the one asked with).
    public var rate: Double

    public init(tokens: Int, wait: Double, rate: Double) {
        self.tokens = tokens
        self.wait = wait
        self.rate = rate
    }
}
