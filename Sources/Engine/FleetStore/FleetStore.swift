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
    /// Leases from several buckets in one call (the fleet's rate, endpoints' requests and tokens).
    func lease(_ wants: [LeaseWant], horizon: Double) async throws(RESPError) -> [FleetGrant]
    /// Tells the fleet what this shard saw of an endpoint (a 429, its headers' allowance).
    func learn(_ lesson: FleetLesson) async throws(RESPError) -> FleetEndpointState
    /// Leases dollars of the fleet's `cap` (`--fleet_max_cost`): what it has left, up to `want`.
    /// `own`: the shard's total so far (spend before and leases), added once to a store that does not know the shard.
    func takeBudget(cap: Double, want: Double, own: Double, shard: String) async throws(RESPError) -> Double
    /// Hands dollars leased and not spent back to the fleet (the shard ends).
    func giveBudget(_ dollars: Double, shard: String) async throws(RESPError)
    /// Adds the shard's own total to a store that does not know it (it restarted empty).
    func seedBudget(_ own: Double, shard: String) async throws(RESPError)
    /// Writes fleet settings (`scope: fleet` commands).
    func write(_ fields: [FleetSettings.Field]) async throws(RESPError)
    /// Removes this shard from the fleet (its run ended) and closes the connection.
    func leave(shard: String) async
}

/// What a shard says with each heartbeat.
public struct FleetBeat: Sendable {
    /// Unique across the fleet: host, pid and start.
    public var shard: String
    /// `{"pid":…,"host":…,"shard":"i/n"}`, for an operator reading the store.
    public var info: String
    /// Seconds of silence after which a shard is forgotten.
    public var forgetAfter: Double
    /// The settings this shard holds, written back when the store lost them.
    public var held: [String: String]
    /// The real-time endpoints by name, with their configured requests per second (0: none).
    public var endpoints: [(name: String, configured: Double)]

    public init(shard: String, info: String, forgetAfter: Double, held: [String: String], endpoints: [(name: String, configured: Double)] = []) {
        self.shard = shard
        self.info = info
        self.forgetAfter = forgetAfter
        self.held = held
        self.endpoints = endpoints
    }
}

/// What a heartbeat brings back.
public struct FleetBeatReply: Sendable, Hashable {
    /// The store did not know this shard: it is new, forgotten, or the store restarted empty.
    public var isNew: Bool
    /// Shards with a heartbeat in the last `forgetAfter` seconds.
    public var shards: Int
    public var settings: [String: String]
    /// Each endpoint of the beat, as the fleet knows it.
    public var endpoints: [FleetEndpointState]

    public init(isNew: Bool, shards: Int, settings: [String: String], endpoints: [FleetEndpointState] = []) {
        self.isNew = isNew
        self.shards = shards
        self.settings = settings
        self.endpoints = endpoints
    }
}

/// A bucket of the fleet's limits.
public enum FleetBucket: Sendable, Hashable {
    /// `--fleet_rate` (the settings' `rate` when a `scope: fleet` command set one).
    case fleet
    /// An endpoint's requests (its `rps`/`rpm`, or what the fleet learned), by endpoint index.
    case requests(Int)
    /// An endpoint's tokens per minute, by endpoint index.
    case tokens(Int)
}

/// Tokens asked of one bucket: up to `size`, at `rate` per second unless the store knows better.
public struct LeaseWant: Sendable, Hashable {
    public var bucket: FleetBucket
    public var rate: Double
    public var size: Int

    public init(bucket: FleetBucket, rate: Double, size: Int) {
        self.bucket = bucket
        self.rate = rate
        self.size = size
    }
}

/// A lease from one bucket.
public struct FleetGrant: Sendable, Hashable {
    public var bucket: FleetBucket
    public var tokens: Int
    /// Seconds until the bucket has a token again (0 when the whole lease was granted).
    public var wait: Double
    /// The rate in force: the fleet's (the settings' `rate`, else the one asked with), or an
    /// endpoint's (configured, learned, announced: the least; 0 for none).
    public var rate: Double
    /// Seconds the endpoint rests for the whole fleet (a 429 some shard saw).
    public var cool: Double

    public init(bucket: FleetBucket, tokens: Int, wait: Double, rate: Double, cool: Double = 0) {
        self.bucket = bucket
        self.tokens = tokens
        self.wait = wait
        self.rate = rate
        self.cool = cool
    }
}

/// An endpoint as the fleet knows it: its rate in force (0: none) and how long it rests.
public struct FleetEndpointState: Sendable, Hashable {
    public var rate: Double
    public var cool: Double

    public init(rate: Double, cool: Double) {
        self.rate = rate
        self.cool = cool
    }
}

/// What one shard saw of an endpoint, for the whole fleet.
public enum FleetLesson: Sendable, Hashable {
    /// A 429 for a request sent `age` seconds ago; `newRun`: the shard had an answer since its
    /// last 429; `estimate`: the fleet's pace there as this shard guesses it (its own × shards).
    case rateLimited(endpoint: Int, configured: Double, age: Double, retryAfter: Double?, newRun: Bool, estimate: Double)
    /// The endpoint's rate-limit headers allow this many requests per second.
    case announced(endpoint: Int, configured: Double, perSecond: Double)

    public var endpoint: Int {
        switch self {
        case .rateLimited(let endpoint, _, _, _, _, _), .announced(let endpoint, _, _): endpoint
        }
    }
}
