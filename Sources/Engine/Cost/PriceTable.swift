/// Prices by model name: the built-in table (`PriceTable+BuiltIn`, generated from LiteLLM's map)
/// under the user's own (`--prices`, an endpoint's `price:`), which win.
public struct PriceTable: Sendable {
    private var prices: [String: ModelPrice]

    /// - Parameter overrides: the user's prices, by model name; they replace built-in ones.
    public init(overrides: [String: ModelPrice] = [:], includesBuiltIn: Bool = true) {
        prices = includesBuiltIn ? Self.builtIn : [:]
        for (name, price) in overrides { prices[name] = price }
    }

    /// The price of `model`: by its exact name, else without a provider prefix (`openai/gpt-4o`),
    /// else without a date suffix (`gpt-4o-2024-08-06`, `claude-sonnet-4-20250514`), else nil.
    public func price(of model: String) -> ModelPrice? {
        for name in Self.candidates(for: model) { if let price = prices[name] { return price } }
        return nil
    }

    static func candidates(for model: String) -> [String] {
        var names = [model]
        let bare = model.split(separator: "/").last.map(String.init) ?? model
        if bare != model { names.append(bare) }
        for name in names {
            let undated = Self.withoutDate(name)
            if undated != name { names.append(undated) }
        }
        return names
    }

    /// `name` without a trailing `-YYYY-MM-DD` or `-YYYYMMDD`, or as it was.
    static func withoutDate(_ name: String) -> String {
        let parts = name.split(separator: "-", omittingEmptySubsequences: false)
        if parts.count > 3, parts.suffix(3).map(\.count) == [4, 2, 2], parts.suffix(3).allSatisfy({ $0.allSatisfy(\.isNumber) }) {
            return parts.dropLast(3).joined(separator: "-")
        }
        if parts.count > 1, let last = parts.last, last.count == 8, last.allSatisfy(\.isNumber) {
            return parts.dropLast().joined(separator: "-")
        }
        return name
    }

    /// A `--prices` document: an object keyed by model name, each a LiteLLM-style entry. Keys this
    /// table does not use are ignored, and entries with no per-token price at all (image or audio
    /// models, LiteLLM's `sample_spec`) are skipped, so LiteLLM's own file can be given as it is.
    public static func overrides(from document: JSONValue) throws(PriceError) -> [String: ModelPrice] {
        guard case .object(let fields) = document else { throw PriceError("a prices file is an object keyed by model name") }
        var prices: [String: ModelPrice] = [:]
        for field in fields where field.key != "sample_spec" {
            guard field.value["input_cost_per_token"] != nil || field.value["output_cost_per_token"] != nil else { continue }
            do {
                prices[field.key] = try ModelPrice(litellm: field.value)
            } catch {
                throw PriceError("\(field.key): \(error)")
            }
        }
        return prices
    }
}
