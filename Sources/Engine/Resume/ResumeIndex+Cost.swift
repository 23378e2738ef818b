extension ResumeIndex {
    /// Adds a line's `cost_usd`, or, on a Batch line, its recorded usage under its model.
    mutating func addCost(_ fields: OutputLineScanner.Fields) {
        if let token = fields.cost {
            if let dollars = Double(String(decoding: token, as: UTF8.self)), dollars.isFinite, dollars > 0 { recordedCost += dollars }
            return
        }
        guard !fields.usage.isEmpty else { return }
        func count(_ key: String) -> Int { fields.usage[key].flatMap { Int(String(decoding: $0, as: UTF8.self)) }.map { max(0, $0) } ?? 0 }
        let model = fields.model.flatMap(OutputLineScanner.Fields.text) ?? ""
        let usage = fields.usage["input_tokens"] != nil
            ? TokenUsage(convention: .anthropic, input: count("input_tokens"), output: count("output_tokens"),
                         cacheRead: count("cache_read_input_tokens"), cacheWrite: count("cache_creation_input_tokens"))
            : TokenUsage(convention: .openAI, input: count("prompt_tokens"), output: count("completion_tokens"), cacheRead: count("cached_tokens"))
        // One file comes from one kind of endpoint; a model's lines share a convention.
        guard var total = batchUsage[model] else {
            batchUsage[model] = usage
            return
        }
        total.input = total.input.saturatingAdding(usage.input)
        total.output = total.output.saturatingAdding(usage.output)
        total.cacheRead = total.cacheRead.saturatingAdding(usage.cacheRead)
        total.cacheWrite = total.cacheWrite.saturatingAdding(usage.cacheWrite)
        batchUsage[model] = total
    }

    /// What the save and errors files record as spent: their `cost_usd`, plus Batch lines' usage
    /// priced by model (an endpoint whose `model:` names it and has a `price:` first, else the
    /// table). Also returns the models of Batch lines that could not be priced.
    public func spent(prices: PriceTable, endpoints: [EndpointConfiguration]) -> (dollars: Double, unpriced: [String]) {
        var dollars = recordedCost
        var unpriced: [String] = []
        for (model, usage) in batchUsage.sorted(by: { $0.key < $1.key }) {
            let name = model
            let own = endpoints.first { $0.model == name && $0.price != nil }?.price
            guard let price = own ?? prices.price(of: name) else {
                unpriced.append(name.isEmpty ? "(no model named)" : name)
                continue
            }
            dollars += usage.cost(at: price)
        }
        return (dollars, unpriced)
    }
}
