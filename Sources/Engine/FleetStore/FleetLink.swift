/// What the run core knows of its fleet store: where it is, the settings applied from it, since
/// when it is (dis)connected, and this shard's pace, for the status and the screen.
struct FleetLink: Sendable {
    let url: String
    let name: String
    var settings = FleetSettings()
    /// Unix seconds when `connected` last changed (the run's start at first).
    var since: Double
    /// This shard's sends, for its share now.
    var sends = RateMeter(bucketWidth: 1, buckets: 8)
    /// Whether 429s and headers teach the fleet (`--no_learn_limits` turns it off).
    var learns = true
    /// Per endpoint: when the last 429 was told to the fleet (later sends only are news), whether an
    /// answer came since (a new run of 429s), the allowance last told, and this shard's sends there.
    var toldAt: [Int: Double] = [:]
    var answeredSinceTold: Set<Int> = []
    var toldAllowance: [Int: Double] = [:]
    var endpointSends: [RateMeter]

    init(configuration: FleetStoreConfiguration, endpoints: Int, since: Double) {
        endpointSends = Array(repeating: RateMeter(bucketWidth: 1, buckets: 8), count: endpoints)
        url = configuration.address.display
        name = configuration.fleet
        self.since = since
    }

    func figures(gate: FleetGate, now: Double) -> FleetStoreFigures {
        FleetStoreFigures(url: url, fleet: name, shards: gate.shards, connected: gate.isConnected, since: since,
                          share: gate.isConnected ? sends.rate(over: 5, at: now) : gate.share, fleetRate: gate.rate)
    }
}

/// The fleet store as the status and the dashboard show it.
public struct FleetStoreFigures: Sendable, Hashable {
    /// `--limits_store`, never with a password.
    public var url: String
    public var fleet: String
    /// Shards with a heartbeat in the last 10 s.
    public var shards: Int
    public var connected: Bool
    /// Unix seconds when `connected` last changed.
    public var since: Double
    /// This shard's requests per second now: its sends while connected, its fallback share while not.
    public var share: Double
    /// The fleet's whole rate (0: none).
    public var fleetRate: Double

    public init(url: String, fleet: String, shards: Int, connected: Bool, since: Double, share: Double, fleetRate: Double) {
        self.url = url
        self.fleet = fleet
        self.shards = shards
        self.connected = connected
        self.since = since
        self.share = share
        self.fleetRate = fleetRate
    }
}

/// `--limits_store` as a run needs it.
public struct FleetStoreConfiguration: Sendable {
    public var address: StoreAddress
    /// `--fleet`: shards of one name share their limits.
    public var fleet: String
    /// This shard's id in the store (host, pid, start), and what it registers.
    public var shardID: String
    public var info: String
    /// `--fleet_max_cost`: one cap for the fleet, leased in parts (nil: none).
    public var cap: Double?

    public init(address: StoreAddress, fleet: String, shardID: String, info: String, cap: Double? = nil) {
        self.cap = cap
        self.address = address
        self.fleet = fleet
        self.shardID = shardID
        self.info = info
    }
}
