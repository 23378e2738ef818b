/// The tokens an answer used, as its provider reports them, and what they cost.
///
/// OpenAI (and servers that copy it) count cached tokens inside `prompt_tokens`
/// (`prompt_tokens_details.cached_tokens`); Anthropic's `input_tokens` leave out cache reads and
/// writes (`cache_read_input_tokens`, `cache_creation_input_tokens`), which it reports beside them.
public struct TokenUsage: Sendable, Hashable {
    public enum Convention: Sendable, Hashable {
        /// `prompt_tokens` includes `cached_tokens`.
        case openAI
        /// `input_tokens` excludes cache reads and writes.
        case anthropic
    }

    public var convention: Convention
    /// `prompt_tokens` or `input_tokens`, as reported.
    public var input: Int
    public var output: Int
    public var cacheRead: Int
    public var cacheWrite: Int

    public init(convention: Convention, input: Int, output: Int, cacheRead: Int = 0, cacheWrite: Int = 0) {
        self.convention = convention
        self.input = input
        self.output = output
        self.cacheRead = cacheRead
        self.cacheWrite = cacheWrite
    }

    /// Every prompt token, cached reads and writes included, whichever convention counted them.
    public var prompt: Int {
        switch convention {
        case .openAI: input
        case .anthropic: input.saturatingAdding(cacheRead).saturatingAdding(cacheWrite)
        }
    }

    /// Input tokens billed at the plain input price.
    public var uncachedInput: Int {
        switch convention {
        case .openAI: max(0, input.saturatingSubtracting(cacheRead).saturatingSubtracting(cacheWrite))
        case .anthropic: input
        }
    }

    /// US dollars at `price`; `batch` uses the batch prices where the model has them.
    public func cost(at price: ModelPrice, batch: Bool = false) -> Double {
        let inputPrice = batch ? price.batchInputPrice : price.input
        let outputPrice = batch ? price.batchOutputPrice : price.output
        return Double(uncachedInput) * inputPrice + Double(output) * outputPrice
            + Double(cacheRead) * (price.cacheRead ?? inputPrice) + Double(cacheWrite) * (price.cacheWrite ?? inputPrice)
    }

    /// From an answer's `usage` object, in either provider's shape.
    public init?(usage: JSONValue?) {
        guard let usage, usage.isObject else { return nil }
        // Counts from a server: never negative, whatever it sent.
        func count(_ value: JSONValue?) -> Int? { value?.intValue.map { max(0, $0) } }
        if let input = count(usage["input_tokens"]) {
            self.init(convention: .anthropic, input: input, output: count(usage["output_tokens"]) ?? 0,
                      cacheRead: count(usage["cache_read_input_tokens"]) ?? 0,
                      cacheWrite: count(usage["cache_creation_input_tokens"]) ?? 0)
        } else if let prompt = count(usage["prompt_tokens"]) {
            self.init(convention: .openAI, input: prompt, output: count(usage["completion_tokens"]) ?? 0,
                      cacheRead: count(usage["prompt_tokens_details"]?["cached_tokens"]) ?? 0)
        } else {
            return nil
        }
    }
}
