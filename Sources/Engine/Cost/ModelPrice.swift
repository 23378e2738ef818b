/// What a model costs, in US dollars per token, with LiteLLM's keys (`input_cost_per_token`, …).
///
/// Nil prices are not known: a cached read without its own price costs the input price, a cache write
/// costs the input price, and a batch price falls back to half the plain one (the providers' batch discount).
public struct ModelPrice: Sendable, Hashable {
    public var input: Double
    public var output: Double
    /// `cache_read_input_token_cost`.
    public var cacheRead: Double?
    /// `cache_creation_input_token_cost`.
    public var cacheWrite: Double?
    /// `input_cost_per_token_batches`, `output_cost_per_token_batches`.
    public var batchInput: Double?
    public var batchOutput: Double?

    /// The input price of a batch (or flex) request: the batch price, else half the plain one.
    public var batchInputPrice: Double { batchInput ?? input / 2 }
    /// The output price of a batch (or flex) request: the batch price, else half the plain one.
    public var batchOutputPrice: Double { batchOutput ?? output / 2 }

    public init(input: Double, output: Double, cacheRead: Double? = nil, cacheWrite: Double? = nil,
                batchInput: Double? = nil, batchOutput: Double? = nil) {
        self.input = input
        self.output = output
        self.cacheRead = cacheRead
        self.cacheWrite = cacheWrite
        self.batchInput = batchInput
        self.batchOutput = batchOutput
    }

    /// From one entry of a LiteLLM-style price map; throws, saying why, without both
    /// `input_cost_per_token` and `output_cost_per_token`, or for a price that is not a number from 0 to below 1.
    public init(litellm entry: JSONValue) throws(PriceError) {
        func price(_ key: String) throws(PriceError) -> Double? {
            guard let value = entry[key], value != .null else { return nil }
            guard let number = value.doubleValue, number.isFinite, number >= 0, number < 1 else {
                throw PriceError("\(key) must be US dollars per token, a number from 0 to below 1")
            }
            return number
        }
        guard let input = try price("input_cost_per_token"), let output = try price("output_cost_per_token") else {
            throw PriceError("a price needs input_cost_per_token and output_cost_per_token (US dollars per token)")
        }
        self.init(input: input, output: output, cacheRead: try price("cache_read_input_token_cost"),
                  cacheWrite: try price("cache_creation_input_token_cost"), batchInput: try price("input_cost_per_token_batches"),
                  batchOutput: try price("output_cost_per_token_batches"))
    }
}

/// Why a price could not be read: one sentence.
public struct PriceError: Error, Sendable, Hashable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
