/// What a file would cost before it is sent, as a range: each record's estimated prompt (characters
/// / 4) at the input price, up to its worst case as `--max_cost` reserves it (the prompt's bound,
/// `PromptBound`, plus its completion budget times `n` at the output price), spread over the
/// endpoints by weight.
///
/// `cost_per_hour` endpoints cost their share of the run's time, which the caller adds from the
/// time estimate (`hourly`).
public struct CostEstimate: Sendable {
    private var spending: Spending
    private let shares: [Double]
    private let hourlyRates: [Double]
    /// Endpoints priced at the batch price (batch routes, `service_tier: flex`).
    private let batchPriced: [Bool]
    /// US dollars: prompts only, and prompts with every completion at its budget.
    public private(set) var low = 0.0
    public private(set) var high = 0.0
    /// Records priced, and those whose model has no known price (by model; "" for none named).
    public private(set) var priced = 0
    public private(set) var unpriced: [String: Int] = [:]

    public init(_ cost: CostConfiguration, endpoints: [EndpointConfiguration]) {
        spending = Spending(cost, endpoints: endpoints, drainSeconds: 0)
        let total = endpoints.reduce(0) { $0 + max(0, $1.weight) }
        shares = endpoints.map { total > 0 ? max(0, $0.weight) / total : 0 }
        hourlyRates = endpoints.map { $0.costPerHour ?? 0 }
        batchPriced = endpoints.map(\.isBatchPriced)
    }

    public mutating func add(_ record: RequestRecord) {
        let prompt = Double(TokenEstimate.promptTokens(for: record.body))
        var (lowShare, highShare) = (0.0, 0.0)
        for index in shares.indices where shares[index] > 0 && hourlyRates[index] == 0 {
            guard let price = spending.price(of: record, at: index) else {
                unpriced[spending.model(of: record, at: index) ?? "", default: 0] += 1
                return
            }
            // Batch routes and flex endpoints at the batch price (the worst case already is).
            lowShare += shares[index] * prompt * (batchPriced[index] ? price.batchInputPrice : price.input)
            highShare += shares[index] * spending.worstCase(of: record, at: index).dollars
        }
        low += lowShare
        high += highShare
        priced += 1
    }

    /// US dollars an hour the `cost_per_hour` endpoints in rotation cost together.
    public var hourly: Double {
        shares.indices.reduce(0) { $0 + (shares[$1] > 0 ? hourlyRates[$1] : 0) }
    }
}
