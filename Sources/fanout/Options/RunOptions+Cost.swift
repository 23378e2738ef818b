import ArgumentParser
import Engine

extension RunOptions {
    /// This run's cap: `--max_cost`, or its share of `--fleet_max_cost` (nil: none).
    func shardCap() throws -> Double? {
        if let maxCost { try Limits.check(maxCost, "--max_cost", Limits.cost, "US dollars") }
        guard let fleetMaxCost else { return maxCost }
        if limitsStore != nil {
            // One counter in the fleet store: the shards lease the whole cap in parts.
            guard maxCost == nil else {
                throw ValidationError("--fleet_max_cost and --max_cost both set the cap; give one (--fleet_max_cost for the fleet, shared through --limits_store).")
            }
            try Limits.check(fleetMaxCost, "--fleet_max_cost", Limits.cost, "US dollars")
            return fleetMaxCost
        }
        guard let count = shards ?? shard.flatMap(Shard.init)?.count else {
            throw ValidationError("--fleet_max_cost is the cap of a whole fleet of shards: give --shard i/n or --shards n with it (or use --max_cost for one run).")
        }
        guard maxCost == nil else {
            throw ValidationError("--fleet_max_cost and --max_cost both set the cap; give one (--fleet_max_cost for the fleet, each shard taking its share).")
        }
        try Limits.check(fleetMaxCost, "--fleet_max_cost", Limits.cost, "US dollars")
        return fleetMaxCost / Double(max(1, count))
    }

    /// The prices (built-in under `--prices`) and the cap. Under a cap, a model named on the
    /// command line or in the endpoints file must have a price.
    func makeCost(endpoints: [EndpointConfiguration]) throws -> CostConfiguration {
        var cost = CostConfiguration(prices: PriceTable(overrides: try readPrices()), cap: try shardCap())
        cost.leasesFleetCap = limitsStore != nil && fleetMaxCost != nil
        if cost.leasesFleetCap {
            // The fleet's cap is leased per real-time send; batches and hourly spend are not leased yet.
            if let batch = endpoints.first(where: { $0.batch != nil }) {
                throw ValidationError("--fleet_max_cost through --limits_store covers real-time sends only, and \(batch.name) is a batch route: give each shard --max_cost, or leave the batch route out of this fleet.")
            }
            if let hourly = endpoints.first(where: { ($0.costPerHour ?? 0) > 0 }) {
                throw ValidationError("--fleet_max_cost through --limits_store covers per-token prices only, and \(hourly.name) is priced by the hour (cost_per_hour): give each shard --max_cost instead.")
            }
        }
        if let maxTokens { cost.defaultMaxTokens = maxTokens }
        guard cost.cap != nil else { return cost }
        for endpoint in endpoints where endpoint.price == nil && endpoint.costPerHour == nil {
            let (model, place) = endpoint.model.map { ($0, "endpoint \(endpoint.name)'s model") } ?? (self.model.map { ($0, "--model") } ?? ("", ""))
            if !model.isEmpty, cost.prices.price(of: model) == nil {
                throw ValidationError("--max_cost: \(place) \"\(model)\" has no known price, so the cap could not hold. Give its price in a --prices file (LiteLLM's keys: input_cost_per_token, output_cost_per_token), or a price: (or cost_per_hour:) on the endpoint in --endpoints.")
            }
        }
        return cost
    }

    /// `--prices`, read and checked; empty when not given.
    private func readPrices() throws -> [String: ModelPrice] {
        guard let prices else { return [:] }
        do {
            return try PriceFile.read(path: prices)
        } catch {
            throw ValidationError("--prices \(prices): \(error.description).")
        }
    }
}
