/// The scheduler's state that the dashboard shows next to the counters.
public struct ControlState: Sendable, Hashable {
    public var isPaused = false
    public var isStopping = false
    public var isFinished = false
    public var targetRate: Double = 0
    /// Tokens per minute allowed over all endpoints; 0 for unlimited.
    public var tokensPerMinute: Double = 0
    public var maxInFlight = 0
    /// `--max_in_flight auto`: the endpoints' own caps bind, not `maxInFlight`.
    public var inFlightIsAuto = false
    public var inFlight = 0
    public var pendingRetries = 0
    /// Money: spent, reserved, the cap, $/min, alerts, and whether sending stopped for it.
    public var spend = SpendFigures()
    public var endpoints: [EndpointControl] = []
    /// fanout's own CPU use and event-loop lag (nil until first measured, or when not watched).
    public var client: ClientLoad?
    /// `--deadline`: the time left, the projection, the saving (nil without a deadline).
    public var deadline: DeadlineFigures?
    /// `--limits_store`: the fleet store's link, shards and this shard's share (nil without one).
    public var fleetStore: FleetStoreFigures?
    /// Unix seconds when published, for batches' ages (0: not known, e.g. read from another run's status).
    public var wallTime: Double = 0

    public init() {}
}

/// One endpoint's live settings and load.
public struct EndpointControl: Sendable, Hashable {
    public var weight: Double
    public var inFlight: Int
    public var status: EndpointStatus
    /// The endpoint's last `x-ratelimit-*` headers.
    public var providerLimits: ProviderRateLimits?
    /// Every result from it since its last answer has been a failure (connection, timeout, 5xx).
    public var isFailing = false
    /// The rate and in-flight cap in force here, and where they come from.
    public var limits = EndpointLimits()
    /// US dollars spent here this run.
    public var spent = 0.0
    /// False once its server was seen closing its connections after every answer: each request
    /// then goes on a fresh connection (`ConnectionReuse`).
    public var reusesConnections = true
    /// What the server's own metrics page said at the last scrape (nil: no page, or it failed).
    public var server: ServerLoad?
    /// A batch route's open batches and those ended in the last minute.
    public var batches: [BatchView] = []
    /// It is a batch route (`route: batch`).
    public var isBatchRoute = false

    public init(weight: Double, inFlight: Int, status: EndpointStatus? = nil) {
        self.weight = weight
        self.inFlight = inFlight
        self.status = status ?? (weight > 0 ? .ready : .drained)
    }
}
