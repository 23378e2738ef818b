/// A run's money as the scheduler decides with it: what each request and each endpoint cost, what
/// is reserved for requests in flight, and whether the next one may go (`--max_cost`).
///
/// A plain value with `now` passed in. Prices per token come from the endpoint's own `price:`, else
/// the request's model (after the endpoint's `model:`) in the price table; a `cost_per_hour`
/// endpoint spends as time passes instead, and each of its answers carries the time since the one before.
struct Spending: Sendable {
    private let table: PriceTable
    private let endpointPrices: [ModelPrice?]
    private let endpointModels: [String?]
    /// Dollars per second of each endpoint's `cost_per_hour` (0: priced per token).
    private let perSecond: [Double]
    /// Seconds of hourly price held back so a drain after a stop stays within the cap.
    private let drainSeconds: Double
    let defaultMaxTokens: Int
    private(set) var cap: SpendCap
    private let spentBefore: Double
    private(set) var byEndpoint: [Double]
    /// Hourly spend not yet carried by an answer, per endpoint.
    private var unattributed: [Double]
    private var accruedUntil: Double
    private(set) var outOfFunds: [Bool]
    private(set) var stop: SpendStop?
    private(set) var isPriced = false
    /// Actual prompt tokens over the estimate, the most seen (≥ 1): scales later worst cases.
    private var promptRatio = 1.0
    private var cache: [String: ModelPrice?] = [:]
    /// Nanodollars per 1 s bucket, for $/min.
    private var meter = RateMeter(bucketWidth: 1, buckets: 62)

    init(_ configuration: CostConfiguration, endpoints: [EndpointConfiguration], drainSeconds: Double, now: Double = 0) {
        table = configuration.prices
        endpointPrices = endpoints.map(\.price)
        endpointModels = endpoints.map(\.model)
        perSecond = endpoints.map { ($0.costPerHour ?? 0) / 3600 }
        self.drainSeconds = drainSeconds
        defaultMaxTokens = configuration.defaultMaxTokens
        spentBefore = max(0, configuration.spentBefore)
        cap = SpendCap(cap: configuration.cap, spent: spentBefore)
        byEndpoint = Array(repeating: 0, count: endpoints.count)
        unattributed = byEndpoint
        outOfFunds = Array(repeating: false, count: endpoints.count)
        accruedUntil = now
        isPriced = perSecond.contains { $0 > 0 }
    }

    var isCapped: Bool { cap.cap != nil }

    /// The per-token price of `record` sent to `endpoint`; nil when unknown (or the endpoint is hourly).
    mutating func price(of record: RequestRecord, at endpoint: Int) -> ModelPrice? {
        if let own = endpointPrices[endpoint] { return own }
        guard let model = model(of: record, at: endpoint) else { return nil }
        if let known = cache[model] { return known }
        let found = table.price(of: model)
        if cache.count < 4096 { cache[model] = found }
        return found
    }

    /// The model a capped run cannot price for `record` on one of `endpoints` (its name, or "" when
    /// the line names none); nil when every one of them prices it.
    mutating func unpricedModel(of record: RequestRecord, endpoints: some Sequence<Int>) -> String? {
        for index in endpoints where perSecond[index] == 0 && price(of: record, at: index) == nil {
            return model(of: record, at: index) ?? ""
        }
        return nil
    }

    /// The model `record` is priced as at `endpoint`: the endpoint's `model:`, else the line's.
    func model(of record: RequestRecord, at endpoint: Int) -> String? {
        endpointModels[endpoint] ?? record.body["model"]?.stringValue
    }

    /// The most `record` can cost at `endpoint`: its estimated prompt (scaled by what answers showed)
    /// at the input price plus its completion budget at the output price; 0 for an hourly endpoint.
    mutating func worstCase(of record: RequestRecord, at endpoint: Int) -> (dollars: Double, promptEstimate: Int) {
        let estimate = TokenEstimate.promptTokens(for: record.body)
        guard perSecond[endpoint] == 0, let price = price(of: record, at: endpoint) else { return (0, estimate) }
        let prompt = Int((Double(estimate) * promptRatio).rounded(.up))
        let budget = TokenEstimate.completionBudget(of: record.body) ?? defaultMaxTokens
        return (SpendCap.worstCase(promptTokens: prompt, maxTokens: max(0, budget), price: price), estimate)
    }

    /// Whether a request whose worst case is `dollars` fits under the cap, with the hourly
    /// endpoints' drain held back.
    func allows(_ dollars: Double) -> Bool {
        cap.allows(dollars + drainReserve)
    }

    private var drainReserve: Double {
        perSecond.indices.reduce(0) { $0 + (outOfFunds[$1] ? 0 : perSecond[$1] * drainSeconds) }
    }

    mutating func reserve(_ dollars: Double) { cap.reserve(dollars) }

    /// An attempt came back from `endpoint`: releases its reservation and spends what its usage
    /// cost (or, hourly, the time since the last answer there). Returns the attempt's cost (nil:
    /// unknown) and the alert levels crossed.
    /// - Parameter answered: the attempt was answered (a failure without usage costs nothing).
    mutating func settle(_ dispatch: Dispatch, usage: JSONValue?, answered: Bool, now: Double) -> (cost: Double?, alerts: [Double]) {
        let endpoint = dispatch.endpoint
        var alerts = accrue(now: now)
        if perSecond[endpoint] > 0 {
            cap.settle(reserved: dispatch.reservedUSD, actual: 0)
            defer { unattributed[endpoint] = 0 }
            return (unattributed[endpoint], alerts)
        }
        let tokens = TokenUsage(usage: usage)
        if let tokens, dispatch.promptEstimate > 0, isCapped {
            promptRatio = max(promptRatio, Double(tokens.prompt) / Double(dispatch.promptEstimate))
        }
        cap.settle(reserved: dispatch.reservedUSD, actual: 0)
        guard let price = price(of: dispatch.attempt.record, at: endpoint) else { return (nil, alerts) }
        // An answer without usage under a cap is charged what was held for it, so the cap holds.
        guard let cost = tokens.map({ $0.cost(at: price) }) ?? (answered && isCapped ? dispatch.reservedUSD : nil) else {
            return (answered ? nil : 0, alerts)
        }
        alerts += spend(cost, at: endpoint, now: now)
        isPriced = true
        return (cost, alerts)
    }

    /// Hourly endpoints spend for the time since the last call (those in rotation and with money).
    mutating func accrue(now: Double, weights: [Double]? = nil) -> [Double] {
        let seconds = now - accruedUntil
        guard seconds > 0 else { return [] }
        accruedUntil = now
        var alerts: [Double] = []
        for index in perSecond.indices where perSecond[index] > 0 && !outOfFunds[index] && (weights?[index] ?? 1) > 0 {
            let dollars = perSecond[index] * seconds
            unattributed[index] += dollars
            alerts += spend(dollars, at: index, now: now)
        }
        return alerts
    }

    private mutating func spend(_ dollars: Double, at endpoint: Int, now: Double) -> [Double] {
        guard dollars > 0, dollars.isFinite else { return [] }
        byEndpoint[endpoint] += dollars
        meter.add(Int((dollars * 1e9).rounded()), at: now)
        return cap.spend(dollars)
    }

    /// An endpoint said its account is out of money: nothing more goes there.
    mutating func markOutOfFunds(_ endpoint: Int) { outOfFunds[endpoint] = true }

    mutating func stopSending(_ reason: SpendStop) { stop = stop ?? reason }

    /// Whether hourly spend alone has reached the cap.
    var hourlySpendReachedCap: Bool { isCapped && perSecond.contains { $0 > 0 } && !allows(0) }

    /// The figures for the screen at `now`.
    func figures(now: Double) -> SpendFigures {
        var figures = SpendFigures()
        figures.spent = cap.spent
        figures.spentBefore = spentBefore
        figures.reserved = cap.reserved
        figures.cap = cap.cap
        figures.perMinute = meter.rate(over: 60, at: now) * 60 / 1e9
        figures.alerted = cap.alerted
        figures.stop = stop
        figures.isPriced = isPriced || spentBefore > 0
        return figures
    }
}
