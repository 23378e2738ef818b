extension EndpointFile {
    /// The largest `cost_per_hour`, US dollars.
    public static let maxCostPerHour = 1_000_000.0

    /// The entry's `price` (LiteLLM's per-token keys) or `cost_per_hour`, never both.
    static func readCost(_ map: [String: Any], position: String, into endpoint: inout EndpointConfiguration) throws(EngineError) {
        if map["price"] != nil, map["cost_per_hour"] != nil {
            throw .configuration("\(position) has both price and cost_per_hour; give one (price per token for a hosted API, cost_per_hour for your own server)")
        }
        if let value = map["price"] {
            guard value is [String: Any] else {
                throw .configuration("\(position) needs price to be a mapping like {input_cost_per_token: 1.5e-07, output_cost_per_token: 6.0e-07}")
            }
            do {
                endpoint.price = try ModelPrice(litellm: PriceFile.json(value))
            } catch {
                throw .configuration("\(position): price: \(error.description)")
            }
        }
        if let value = map["cost_per_hour"] {
            let number = (value as? Int).map(Double.init) ?? value as? Double
            guard let number, number.isFinite, number >= 0, number <= maxCostPerHour else {
                throw .configuration("\(position) needs cost_per_hour to be US dollars an hour, from 0 to 1,000,000")
            }
            endpoint.costPerHour = number
        }
    }
}
