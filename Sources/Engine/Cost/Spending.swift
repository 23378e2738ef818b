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
    private let dialects: [APIDialect]
    private let names: [String]
    /// Endpoints that are known hosted APIs: they bill by the model asked for, whatever the answer names.
    private let hosted: [Bool]
    /// Endpoints priced at the batch price (batch routes, `service_tier: flex`).
    private let batchPriced: [Bool]
    /// Models answers named instead of the one asked for that have no price (said once each).
    private var unpricedAnswers = Set<String>()
    private(set) var warnings: [String] = []
    private var clampedEndpoints = Set<Int>()
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
    /// The first answer that reported more prompt tokens than `PromptBound` allows: the cap can no
    /// longer be promised, so sending stops (nil while none has).
    private(set) var overReported: (endpoint: Int, tokens: Int, bound: Int)?
    private var cache: [String: ModelPrice?] = [:]
    /// Nanodollars per 1 s bucket, for $/min.
    private var meter = RateMeter(bucketWidth: 1, buckets: 62)

    init(_ configuration: CostConfiguration, endpoints: [EndpointConfiguration], drainSeconds: Double, now: Double = 0) {
        table = configuration.prices
        endpointPrices = endpoints.map(\.price)
        endpointModels = endpoints.map(\.model)
        dialects = endpoints.map(\.dialect)
        names = endpoints.map(\.name)
        hosted = endpoints.map(\.url.isKnownHostedAPI)
        batchPriced = endpoints.map(\.isBatchPriced)
        perSecond = endpoints.map { ($0.costPerHour ?? 0) / 3600 }
        self.drainSeconds = drainSeconds
        defaultMaxTokens = configuration.defaultMaxTokens
        spentBefore = max(0, configuration.spentBefore)
        cap = SpendCap(cap: configuration.cap, spent: spentBefore)
        if configuration.leasesFleetCap, configuration.cap != nil { cap.addBudget(0) }
        byEndpoint = Array(repeating: 0, count: endpoints.count)
        unattributed = byEndpoint
        outOfFunds = Array(repeating: false, count: endpoints.count)
        accruedUntil = now
        isPriced = perSecond.contains { $0 > 0 }
    }

    var isCapped: Bool { cap.cap != nil }

    /// With a fleet store: the fleet's cap is leased in parts (`SpendCap.budget`).
    mutating func addBudget(_ dollars: Double) { cap.addBudget(dollars) }
    var budgetLeft: Double { cap.budgetLeft }
    /// Whether sends wait on leases of the fleet's cap.
    var leasesBudget: Bool { cap.budget != nil }

    /// The per-token price of `record` sent to `endpoint`; nil when unknown (or the endpoint is hourly).
    mutating func price(of record: RequestRecord, at endpoint: Int) -> ModelPrice? {
        if let own = endpointPrices[endpoint] { return own }
        guard let model = model(of: record, at: endpoint) else { return nil }
        return tablePrice(of: model)
    }

    /// `model`'s price in the table, remembered (for at most 4,096 names).
    private mutating func tablePrice(of model: String) -> ModelPrice? {
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

    /// The price of an answer from `endpoint` that names `answered` as its model: a server of your own
    /// that answers as another model than the one asked for (a file written for `gpt-4o-mini` sent
    /// to llama.cpp) is priced as the model that answered (no price: none, said once), unless the
    /// endpoint has its own price or is a hosted API. `.some(nil)`: the answer is unpriced.
    private mutating func answerPrice(of record: RequestRecord, at endpoint: Int, answered: String?) -> ModelPrice?? {
        guard endpointPrices[endpoint] == nil, !hosted[endpoint], let answered, !answered.isEmpty,
              let asked = model(of: record, at: endpoint), asked != answered else { return nil }
        let found = tablePrice(of: answered)
        if found == price(of: record, at: endpoint) { return nil }
        if found == nil, unpricedAnswers.count < 100, unpricedAnswers.insert(answered).inserted {
            warnings.append("\(names[endpoint]) answered as model \"\(URLText.printable(String(answered.prefix(100))))\", not \"\(asked)\": "
                + "those answers are not priced (no price is known for that model; give the endpoint price:, or +free / +price= on --endpoint)")
        }
        return .some(found)
    }

    /// The model `record` is priced as at `endpoint`: the endpoint's `model:`, else the line's.
    func model(of record: RequestRecord, at endpoint: Int) -> String? {
        endpointModels[endpoint] ?? record.body["model"]?.stringValue
    }

    /// The most `record` can cost at `endpoint`: its prompt's bound (`PromptBound`) at the input
    /// price plus its completion budget times `n` at the output price; 0 for an hourly endpoint.
    mutating func worstCase(of record: RequestRecord, at endpoint: Int) -> (dollars: Double, promptBound: Int) {
        let bound = PromptBound.tokens(for: record.body, dialect: dialects[endpoint])
        guard perSecond[endpoint] == 0, let price = price(of: record, at: endpoint) else { return (0, bound) }
        let budget = max(0, TokenEstimate.completionBudget(of: record.body) ?? defaultMaxTokens)
        let output = budget.saturatingMultiplying(PromptBound.choices(in: record.body))
        return (SpendCap.worstCase(promptTokens: bound, maxTokens: output, price: price, batch: batchPriced[endpoint]), bound)
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

    /// Gives back a reservation whose request never went.
    mutating func release(_ dollars: Double) { cap.settle(reserved: dollars, actual: 0) }

    /// The most one answer is charged, US dollars: a server reporting absurd usage (10^15 tokens)
    /// costs this, with a warning, instead of ending the run.
    static let maxAnswerCost = 10_000.0

    /// What settling an attempt found: its cost (nil: unknown), the alert levels crossed, and
    /// whether the cost was held at `maxAnswerCost`.
    struct Settlement {
        var cost: Double?
        var alerts: [Double] = []
        var clamped = false
    }

    /// An attempt came back from `endpoint`: releases its reservation and spends what its usage
    /// cost (or, hourly, the time since the last answer there).
    /// - Parameter answered: the attempt was answered.
    /// - Parameter partialOutput: output tokens a failed attempt received before it was cut (no
    ///   usage came): it is charged its reservation, or those tokens plus the prompt's bound.
    /// - Parameter answerModel: the model the answer names (`answerPrice`).
    mutating func settle(_ dispatch: Dispatch, usage: JSONValue?, answered: Bool, partialOutput: Int = 0, answerModel: String? = nil,
                         now: Double) -> Settlement {
        let endpoint = dispatch.endpoint
        var settlement = Settlement(cost: nil, alerts: accrue(now: now))
        cap.settle(reserved: dispatch.reservedUSD, actual: 0)
        if perSecond[endpoint] > 0 {
            defer { unattributed[endpoint] = 0 }
            settlement.cost = unattributed[endpoint]
            return settlement
        }
        let tokens = TokenUsage(usage: usage)
        if let tokens, isCapped, dispatch.promptBound > 0, tokens.prompt > dispatch.promptBound, overReported == nil {
            overReported = (endpoint, tokens.prompt, dispatch.promptBound)
            warnings.append("\(names[endpoint]) reported \(tokens.prompt) prompt tokens for a prompt of at most \(dispatch.promptBound): "
                + "--max_cost can no longer be promised, so nothing more is sent")
        }
        let record = dispatch.attempt.record
        let byAnswer = answerPrice(of: record, at: endpoint, answered: answerModel)
        guard let price = byAnswer ?? price(of: record, at: endpoint) else { return settlement }
        var cost: Double
        if let tokens {
            cost = tokens.cost(at: price, batch: batchPriced[endpoint])
        } else if answered || partialOutput > 0 {
            // Billed but not reported: charged what was held for it (the cap holds), else what it carried.
            guard isCapped || partialOutput > 0 else { return settlement }
            let bound = PromptBound.tokens(for: record.body, dialect: dialects[endpoint])
            cost = isCapped ? dispatch.reservedUSD : SpendCap.worstCase(promptTokens: bound, maxTokens: partialOutput, price: price, batch: batchPriced[endpoint])
        } else {
            settlement.cost = 0
            return settlement
        }
        if !cost.isFinite || cost > Self.maxAnswerCost {
            cost = Self.maxAnswerCost
            settlement.clamped = true
            if clampedEndpoints.insert(endpoint).inserted {
                warnings.append("an answer from \(names[endpoint]) reported usage costing more than \(Money.text(Self.maxAnswerCost)): "
                    + "charged \(Money.text(Self.maxAnswerCost)), the most one answer is charged (its usage looks wrong)")
            }
        }
        settlement.alerts += spend(cost, at: endpoint, now: now)
        settlement.cost = cost
        isPriced = true
        return settlement
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
        meter.add(Int(saturating: (dollars * 1e9).rounded()), at: now)
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
        figures.warnings = warnings
        return figures
    }
}
