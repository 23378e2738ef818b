/// What a run knows about money: the prices, the cap, and what earlier runs of the same files spent.
public struct CostConfiguration: Sendable {
    /// The built-in table under `--prices` (an endpoint's own `price:` wins over both).
    public var prices: PriceTable
    /// `--max_cost` in US dollars (this shard's share of `--fleet_max_cost`); nil: no cap, spend is
    /// still counted and shown.
    public var cap: Double?
    /// Dollars the save and errors files already record (`ResumeIndex.spent`): counted against the cap.
    public var spentBefore: Double
    /// The completion budget reserved for a line that sets no `max_tokens` (nor `--max_tokens` for it).
    public var defaultMaxTokens: Int
    /// Where a capped run writes its reservations before sending them (nil: nowhere).
    public var journal: SpendJournal?
    /// `cap` is a whole fleet's (`--fleet_max_cost` with `--limits_store`), leased in parts from the fleet store.
    public var leasesFleetCap = false

    public init(prices: PriceTable = PriceTable(), cap: Double? = nil, spentBefore: Double = 0,
                defaultMaxTokens: Int = Defaults.costMaxTokens) {
        self.prices = prices
        self.cap = cap
        self.spentBefore = spentBefore
        self.defaultMaxTokens = defaultMaxTokens
    }
}

/// Why a run stopped sending for money.
public enum SpendStop: String, Sendable, Hashable {
    /// `--max_cost`: the next request's worst case would pass the cap.
    case cap
    /// Every endpoint answered that its account is out of money (`insufficient_quota`, a spend limit).
    case providerFunds = "provider_funds"
}

/// Money as the screen, the metrics and the status show it: a plain value taken with the control state.
public struct SpendFigures: Sendable, Hashable {
    /// US dollars spent: earlier runs' recorded spend plus this run's.
    public var spent = 0.0
    /// What earlier runs of the same files recorded.
    public var spentBefore = 0.0
    /// Worst cases held for requests in flight.
    public var reserved = 0.0
    public var cap: Double?
    /// Dollars per minute over the last minute.
    public var perMinute = 0.0
    /// The alert levels (shares of the cap: 0.5, 0.8, 0.95) passed so far.
    public var alerted: [Double] = []
    /// Set once sending stopped for money.
    public var stop: SpendStop?
    /// Whether any spend could be priced so far (false: no price is known for what was answered).
    public var isPriced = false
    /// Sentences about usage that could not be true (an answer held at the ceiling, prompt tokens
    /// over their bound), oldest first: said once each on stderr and on the notice line.
    public var warnings: [String] = []

    public init() {}

    /// This run's own spend.
    public var spentThisRun: Double { max(0, spent - spentBefore) }
    /// The share of the cap spent (nil without a cap).
    public var capShare: Double? { cap.map { $0 > 0 ? spent / $0 : 1 } }
}
