import Engine
import Testing

@Suite struct PriceTableTests {
    /// The built-in table knows the common hosted models, by exact, prefixed and dated names.
    @Test func builtInLookups() throws {
        let table = PriceTable()
        let gpt4o = try #require(table.price(of: "gpt-4o"))
        #expect(gpt4o.input == 2.5e-06 && gpt4o.output == 1e-05 && gpt4o.cacheRead == 1.25e-06 && gpt4o.batchInput == 1.25e-06)
        #expect(table.price(of: "openai/gpt-4o") == gpt4o && table.price(of: "gpt-4o-2024-08-06") == gpt4o)
        #expect(table.price(of: "claude-sonnet-4-20250514")?.cacheWrite == 3.75e-06)
        #expect(table.price(of: "anthropic/claude-haiku-4-5") != nil && table.price(of: "gemini/gemini-2.5-flash") != nil)
        #expect(table.price(of: "my-own-llama") == nil && table.price(of: "") == nil)
        #expect(PriceTable.builtInSource.contains("LiteLLM"))
    }

    /// A LiteLLM-style file overrides the built-in table; entries it cannot price are refused with the model's name.
    @Test func overrides() throws {
        let document = try JSONParser.parse(#"""
            {"sample_spec": {"input_cost_per_token": "x"},
             "gpt-4o": {"input_cost_per_token": 1e-6, "output_cost_per_token": 2e-6, "litellm_provider": "openai", "max_tokens": 4096},
             "my-llama": {"input_cost_per_token": 0, "output_cost_per_token": 1e-7}}
            """#)
        let table = PriceTable(overrides: try PriceTable.overrides(from: document))
        #expect(table.price(of: "gpt-4o") == ModelPrice(input: 1e-6, output: 2e-6))
        #expect(table.price(of: "my-llama")?.output == 1e-7)
        for bad in [#"{"m": {"input_cost_per_token": 1e-6}}"#, #"{"m": {"input_cost_per_token": -1, "output_cost_per_token": 1e-6}}"#,
                    #"{"m": {"input_cost_per_token": 5, "output_cost_per_token": 1e-6}}"#, #"[1]"#] {
            #expect(throws: PriceError.self) { try PriceTable.overrides(from: try JSONParser.parse(bad)) }
        }
    }

    /// OpenAI's prompt tokens include the cached ones (priced at the cached rate); Anthropic's input
    /// tokens exclude cache reads and writes (priced beside them).
    @Test func usageConventions() throws {
        let price = ModelPrice(input: 1e-6, output: 4e-6, cacheRead: 1e-7, cacheWrite: 1.25e-6, batchInput: 5e-7, batchOutput: 2e-6)
        let openAI = try #require(TokenUsage(usage: try JSONParser.parse(
            #"{"prompt_tokens": 1000, "completion_tokens": 100, "prompt_tokens_details": {"cached_tokens": 800}}"#)))
        #expect(openAI.convention == .openAI && openAI.uncachedInput == 200)
        #expect(abs(openAI.cost(at: price) - (200 * 1e-6 + 100 * 4e-6 + 800 * 1e-7)) < 1e-15)
        let anthropic = try #require(TokenUsage(usage: try JSONParser.parse(
            #"{"input_tokens": 200, "output_tokens": 100, "cache_read_input_tokens": 800, "cache_creation_input_tokens": 50}"#)))
        #expect(anthropic.convention == .anthropic && anthropic.uncachedInput == 200)
        #expect(abs(anthropic.cost(at: price) - (200 * 1e-6 + 100 * 4e-6 + 800 * 1e-7 + 50 * 1.25e-6)) < 1e-15)
        #expect(abs(TokenUsage(convention: .openAI, input: 10, output: 10).cost(at: price, batch: true) - (10 * 5e-7 + 10 * 2e-6)) < 1e-15)
        #expect(TokenUsage(usage: try JSONParser.parse(#"{"total_tokens": 5}"#)) == nil && TokenUsage(usage: nil) == nil)
    }
}

@Suite struct PriceFileTests {
    /// LiteLLM's whole offline map reads as it is (entries without per-token prices skipped); YAML works too.
    @Test func litellmMapAndYAML() throws {
        let yaml = "my-llama:\n  input_cost_per_token: 0.0000001\n  output_cost_per_token: 0.0000002\nimage-model:\n  output_cost_per_image: 0.04\n"
        let prices = try PriceFile.parse(Array(yaml.utf8))
        #expect(prices.count == 1 && prices["my-llama"]?.output == 2e-7)
        let json = #"{"sample_spec": {"input_cost_per_token": 0}, "dall-e": {"input_cost_per_pixel": 1e-8}, "gpt-x": {"input_cost_per_token": 1e-6, "output_cost_per_token": 2e-6, "supports_vision": true}}"#
        #expect(try PriceFile.parse(Array(json.utf8)).keys.sorted() == ["gpt-x"])
        #expect(throws: PriceError.self) { try PriceFile.parse(Array("gpt-x: {input_cost_per_token: 1e-6}".utf8)) }
        #expect(throws: PriceError.self) { try PriceFile.parse(Array("- just\n- a list\n".utf8)) }
        let bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
        #expect(throws: PriceError.self) { try PriceFile.parse(Array(bomb.utf8)) }
        #expect(throws: PriceError.self) { try PriceFile.parse(Array(#"{"dall-e": {"input_cost_per_pixel": 1e-8}}"#.utf8)) }
    }
}
