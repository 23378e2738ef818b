/// A shard's side of the fleet's shared rate: the tokens it leased from the store, and what it
/// falls back to when the store is gone.
///
/// A plain value with `now` passed in. While the store is connected, a request goes only with a
/// leased token (and under the local limiter at the fleet's whole rate, so one shard alone never
/// passes it); tokens expire `tokenLife` seconds after the lease, so a shard that held tokens while
/// it could not send never bursts with them later. Without the store the shard goes on alone at
/// its share: the fleet's rate over the shards seen in the last 10 s.
public struct FleetGate: Sendable, Hashable {
    /// The fleet's whole rate, requests per second (0: none, only the store's other parts are shared).
    public private(set) var rate: Double
    public private(set) var isConnected = true
    /// Shards with a heartbeat in the last 10 s, this one included (at least 1).
    public private(set) var shards = 1
    private(set) var tokens = 0
    private var expiresAt = 0.0
    /// A lease was asked for and has not come back.
    private(set) var leaseAsked = false

    /// How long leased tokens may wait to be used, seconds.
    public static let tokenLife = 0.25
    /// How far ahead of its pace a lease reaches: 100 ms of the fleet's rate at most.
    public static let leaseHorizon = 0.1

    public init(rate: Double) {
        self.rate = Self.held(rate)
    }

    /// The most a fleet's rate may be (what a store says is not trusted): ten million a second.
    public static let maxRate = 10_000_000.0

    private static func held(_ rate: Double) -> Double {
        rate.isFinite ? min(max(0, rate), maxRate) : 0
    }

    /// Whether sends wait for leased tokens (connected, with a fleet rate).
    public var gates: Bool { isConnected && rate > 0 }

    /// The rate the shard's own limiter holds: the fleet's while leasing, its share when alone.
    public var localRate: Double { isConnected ? rate : share }

    /// This shard's share of the fleet's rate when the store is gone.
    public var share: Double { rate / Double(max(1, shards)) }

    /// Whether `need` tokens are ready at `now` (a token bucket's need is the request's estimate).
    public func hasToken(now: Double, need: Int = 1) -> Bool { !gates || (tokens >= max(1, need) && now < expiresAt) }

    /// How many tokens to ask for: 100 ms of the rate, at least `need`.
    public func leaseSize(need: Int = 1) -> Int { max(max(1, need), Int((rate * Self.leaseHorizon).rounded(.up))) }
    public var leaseSize: Int { leaseSize() }

    /// Whether to ask the store for a lease now: tokens are short (or expired) and none is asked for.
    public func wantsLease(now: Double, need: Int = 1) -> Bool { gates && !leaseAsked && !hasToken(now: now, need: need) }

    public mutating func askedForLease() { leaseAsked = true }

    /// The store granted `count` tokens at `now` (0: none left this instant; ask again later).
    public mutating func granted(_ count: Int, now: Double) {
        leaseAsked = false
        guard count > 0 else { return }
        tokens = (now < expiresAt ? tokens : 0) + count
        expiresAt = now + Self.tokenLife
    }

    /// One request went: `count` tokens used (nothing to use while not gating).
    public mutating func use(_ count: Int = 1, now: Double) {
        guard gates, tokens > 0 else { return }
        tokens = max(0, tokens - max(1, count))
    }

    /// The store's connection changed, or its count of shards (nil: unchanged).
    public mutating func link(connected: Bool, shards: Int?) {
        if let shards { self.shards = max(1, shards) }
        if connected != isConnected {
            isConnected = connected
            tokens = 0
            leaseAsked = false
        }
    }

    /// A heartbeat counted the shards alive.
    public mutating func seen(shards: Int) {
        self.shards = max(1, shards)
    }

    /// The fleet's rate changed (`rate` with `scope: fleet`, from any shard).
    public mutating func setRate(_ rate: Double) {
        self.rate = Self.held(rate)
    }
}
