import Testing
@testable import Engine

/// The run's money as the scheduler decides with it: prices, worst cases, settling, hourly spend.
@Suite struct SpendingTests {
    static let price = ModelPrice(input: 0.001, output: 0.002, cacheRead: 0.0001, cacheWrite: 0.00125)

    static func endpoint(_ port: Int, model: String? = nil, price: ModelPrice? = nil, perHour: Double? = nil) -> EndpointConfiguration {
        var endpoint = EndpointConfiguration(name: "e\(port)", url: EndpointURL("http://h:\(port)")!, model: model)
        endpoint.price = price
        endpoint.costPerHour = perHour
        return endpoint
    }

    static func record(model: String? = "m", prompt: String = "abcdefgh", maxTokens: Int? = 10) -> RequestRecord {
        var fields: [JSONField] = []
        if let model { fields.append(JSONField("model", .string(model))) }
        fields.append(JSONField("messages", [.object([JSONField("role", "user"), JSONField("content", .string(prompt))])]))
        if let maxTokens { fields.append(JSONField("max_tokens", .number(maxTokens))) }
        return RequestRecord(id: "1", line: 1, form: .chat, input: .object(fields), body: .object(fields))
    }

    static func dispatch(_ record: RequestRecord, endpoint: Int = 0, reserved: Double = 0, bound: Int = 0) -> Dispatch {
        Dispatch(attempt: Attempt(record: record, number: 1, previousEndpoint: nil), endpoint: endpoint, reservedUSD: reserved, promptBound: bound)
    }

    func spending(_ endpoints: [EndpointConfiguration], cap: Double? = nil, table: [String: ModelPrice] = ["m": SpendingTests.price]) -> Spending {
        Spending(CostConfiguration(prices: PriceTable(overrides: table, includesBuiltIn: false), cap: cap), endpoints: endpoints, drainSeconds: 30)
    }

    /// A server of your own answering as another model than asked is priced as that model (no price:
    /// unpriced, said once); a hosted API, an endpoint with its own price, or the same model keep the asked price.
    @Test func localModelsAreNotBilledAsHosted() {
        let usage: JSONValue = .object([JSONField("prompt_tokens", 100), JSONField("completion_tokens", 50)])
        var hosted = Self.endpoint(2)
        hosted.url = EndpointURL("https://api.openai.com/v1")!
        var money = spending([Self.endpoint(1), hosted, Self.endpoint(3, price: ModelPrice(input: 0, output: 0))],
                             table: ["m": Self.price, "cheap": ModelPrice(input: 0.0001, output: 0.0001)])
        let local = money.settle(Self.dispatch(Self.record()), usage: usage, answered: true, answerModel: "SmolLM2-135M-Instruct.Q4_1.gguf", now: 1)
        #expect(local.cost == nil)
        _ = money.settle(Self.dispatch(Self.record()), usage: usage, answered: true, answerModel: "SmolLM2-135M-Instruct.Q4_1.gguf", now: 2)
        #expect(money.warnings.count == 1 && money.warnings[0].contains("e1 answered as model \"SmolLM2-135M-Instruct.Q4_1.gguf\", not \"m\""))
        let priced = money.settle(Self.dispatch(Self.record()), usage: usage, answered: true, answerModel: "cheap", now: 3)
        #expect(abs((priced.cost ?? 0) - 0.015) < 1e-9)
        let same = money.settle(Self.dispatch(Self.record()), usage: usage, answered: true, answerModel: "m", now: 4)
        #expect(abs((same.cost ?? 0) - 0.2) < 1e-9)
        let api = money.settle(Self.dispatch(Self.record(), endpoint: 1), usage: usage, answered: true, answerModel: "m-2024-08-06", now: 5)
        #expect(abs((api.cost ?? 0) - 0.2) < 1e-9)
        let free = money.settle(Self.dispatch(Self.record(), endpoint: 2), usage: usage, answered: true, answerModel: "SmolLM2", now: 6)
        #expect(free.cost == 0)
    }

    /// `--endpoint URL+free` and `+price=IN/OUT` (per million tokens) set an endpoint's own price; bad prices are sentences.
    @Test func commandLinePrices() throws {
        let (free, rest) = try EndpointFile.price(ofSpec: "http://gpu:8080/v1@2+free")
        #expect(free == ModelPrice(input: 0, output: 0) && rest == "http://gpu:8080/v1@2")
        let (priced, _) = try EndpointFile.price(ofSpec: "http://gpu:8080/v1+price=0.15/0.60")
        #expect(abs((priced?.input ?? 0) - 0.15e-6) < 1e-15 && abs((priced?.output ?? 0) - 0.6e-6) < 1e-15)
        #expect(try EndpointFile.price(ofSpec: "http://gpu:8080/v1").0 == nil)
        #expect(throws: EngineError.self) { try EndpointFile.price(ofSpec: "http://gpu:8080/v1+price=abc") }
        #expect(throws: EngineError.self) { try EndpointFile.price(ofSpec: "http://gpu:8080/v1+price=1/-2") }
    }

    /// The endpoint's own price wins; else its `model:` names the model priced; else the line's.
    @Test func priceSources() {
        var money = spending([Self.endpoint(1), Self.endpoint(2, model: "other"), Self.endpoint(3, price: ModelPrice(input: 1, output: 1))],
                             table: ["m": Self.price, "other": ModelPrice(input: 0.5, output: 0.5)])
        #expect(money.price(of: Self.record(), at: 0) == Self.price)
        #expect(money.price(of: Self.record(), at: 1)?.input == 0.5)
        #expect(money.price(of: Self.record(), at: 2)?.input == 1)
        #expect(money.price(of: Self.record(model: "unknown"), at: 0) == nil)
        #expect(money.unpricedModel(of: Self.record(model: "unknown"), endpoints: [0, 1, 2]) == "unknown")
        #expect(money.unpricedModel(of: Self.record(model: nil), endpoints: [0]) == "")
        #expect(money.unpricedModel(of: Self.record(model: "unknown"), endpoints: [1, 2]) == nil)
    }

    /// The worst case is the prompt's bound (its UTF-8 bytes plus the per-message and per-request
    /// overheads) at the input price plus `max_tokens` (else the default) times `n` at the output price.
    @Test func worstCase() {
        var money = spending([Self.endpoint(1)], cap: 10)
        let worst = money.worstCase(of: Self.record(prompt: "abcdefgh", maxTokens: 10), at: 0)
        let bound = PromptBound.perRequest + PromptBound.perMessage + "user".utf8.count + 8
        #expect(worst.promptBound == bound && abs(worst.dollars - (Double(bound) * 0.001 + 10 * 0.002)) < 1e-12)
        let unset = money.worstCase(of: Self.record(maxTokens: nil), at: 0)
        #expect(abs(unset.dollars - (Double(bound) * 0.001 + Double(Defaults.costMaxTokens) * 0.002)) < 1e-12)
        // CJK: three bytes a character, so three tokens a character at most.
        let cjk = money.worstCase(of: Self.record(prompt: String(repeating: "漢", count: 241), maxTokens: 10), at: 0)
        #expect(cjk.promptBound == PromptBound.perRequest + PromptBound.perMessage + 4 + 723)
    }

    /// Images count a fixed bound each (not their base64 bytes), tools their JSON bytes, and `n`
    /// multiplies the output budget.
    @Test func boundCountsImagesToolsAndChoices() throws {
        let body = try JSONParser.parse(Array(#"""
            {"model":"m","n":3,"max_tokens":5,"tools":[{"type":"function","function":{"name":"f"}}],
             "messages":[{"role":"user","content":[{"type":"text","text":"hi"},{"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA"}}]}]}
            """#.utf8))
        var tools: [UInt8] = []
        body["tools"]!.encode(into: &tools)
        let expected = PromptBound.perRequest + PromptBound.perMessage + 4 + 4 + 2 + PromptBound.perImageOpenAI + tools.count
        #expect(PromptBound.tokens(for: body) == expected)
        #expect(PromptBound.tokens(for: body, dialect: .anthropic) == expected - PromptBound.perImageOpenAI + PromptBound.perImageAnthropic)
        var money = spending([Self.endpoint(1)], cap: 10)
        let record = RequestRecord(id: "1", line: 1, form: .chat, input: body, body: body)
        #expect(abs(money.worstCase(of: record, at: 0).dollars - (Double(expected) * 0.001 + 15 * 0.002)) < 1e-9)
    }

    /// An answer reporting more prompt tokens than the bound is noted (the scheduler then stops);
    /// absurd usage is held at the ceiling per answer and flagged; a cut stream that delivered
    /// output costs its reservation under a cap, else its output plus the prompt's bound.
    @Test func usageFromOutsideIsBounded() throws {
        var money = spending([Self.endpoint(1)], cap: 100)
        let over = try JSONParser.parse(Array(#"{"prompt_tokens":500,"completion_tokens":1}"#.utf8))
        _ = money.settle(Self.dispatch(Self.record(), bound: 44), usage: over, answered: true, now: 1)
        #expect(money.overReported?.tokens == 500 && money.overReported?.bound == 44)

        var open = spending([Self.endpoint(1)])
        let huge = try JSONParser.parse(Array(#"{"prompt_tokens":1,"completion_tokens":1000000000000000}"#.utf8))
        let clamped = open.settle(Self.dispatch(Self.record()), usage: huge, answered: true, now: 1)
        #expect(clamped.clamped && clamped.cost == Spending.maxAnswerCost)
        let maximal = try JSONParser.parse(Array(#"{"input_tokens":9223372036854775807,"output_tokens":9223372036854775807,"cache_read_input_tokens":9223372036854775807}"#.utf8))
        #expect(open.settle(Self.dispatch(Self.record()), usage: maximal, answered: true, now: 2).clamped)
        #expect(open.figures(now: 2).perMinute.isFinite)

        let cut = open.settle(Self.dispatch(Self.record()), usage: nil, answered: false, partialOutput: 7, now: 3)
        #expect(abs((cut.cost ?? 0) - (44 * 0.001 + 7 * 0.002)) < 1e-12)
        var capped = spending([Self.endpoint(1)], cap: 1)
        capped.reserve(0.3)
        #expect(capped.settle(Self.dispatch(Self.record(), reserved: 0.3), usage: nil, answered: false, partialOutput: 2, now: 1).cost == 0.3)
    }

    /// OpenAI's `prompt_tokens` include `cached_tokens`, priced at the cached rate; Anthropic's
    /// `input_tokens` leave out cache reads and writes, which are priced beside them.
    @Test func cachedTokensForBothProviders() throws {
        var money = spending([Self.endpoint(1)])
        let openAI = try JSONParser.parse(Array(#"{"prompt_tokens":1000,"completion_tokens":100,"prompt_tokens_details":{"cached_tokens":800}}"#.utf8))
        let first = money.settle(Self.dispatch(Self.record()), usage: openAI, answered: true, now: 1)
        #expect(abs((first.cost ?? 0) - (200 * 0.001 + 800 * 0.0001 + 100 * 0.002)) < 1e-12)
        let anthropic = try JSONParser.parse(Array(
            #"{"input_tokens":200,"output_tokens":100,"cache_read_input_tokens":800,"cache_creation_input_tokens":40}"#.utf8))
        let second = money.settle(Self.dispatch(Self.record()), usage: anthropic, answered: true, now: 2)
        #expect(abs((second.cost ?? 0) - (200 * 0.001 + 800 * 0.0001 + 40 * 0.00125 + 100 * 0.002)) < 1e-12)
        #expect(abs(money.byEndpoint[0] - (first.cost ?? 0) - (second.cost ?? 0)) < 1e-12)
    }

    /// Settling frees the reservation; an answer without usage costs nothing known (null) without a
    /// cap, and under a cap is charged what was held for it; a failure without usage costs 0.
    @Test func settlingWithoutUsage() {
        var open = spending([Self.endpoint(1)])
        #expect(open.settle(Self.dispatch(Self.record()), usage: nil, answered: true, now: 1).cost == nil)
        #expect(open.settle(Self.dispatch(Self.record()), usage: nil, answered: false, now: 1).cost == 0)
        var capped = spending([Self.endpoint(1)], cap: 1)
        capped.reserve(0.3)
        let charged = capped.settle(Self.dispatch(Self.record(), reserved: 0.3), usage: nil, answered: true, now: 1)
        #expect(charged.cost == 0.3 && capped.cap.reserved == 0 && abs(capped.cap.spent - 0.3) < 1e-12)
    }

    /// Alerts come once each as spend passes 50, 80 and 95 % of the cap.
    @Test func alerts() throws {
        var money = spending([Self.endpoint(1)], cap: 1)
        let usage = try JSONParser.parse(Array(#"{"prompt_tokens":0,"completion_tokens":150}"#.utf8))
        var levels: [Double] = []
        for second in 1...7 { levels += money.settle(Self.dispatch(Self.record()), usage: usage, answered: true, now: Double(second)).alerts }
        #expect(levels == [0.5, 0.8, 0.95])
        #expect(money.figures(now: 7).alerted == [0.5, 0.8, 0.95])
    }

    /// A `cost_per_hour` endpoint spends as time passes; each answer there carries the time since
    /// the one before, so the answers add up to the endpoint's spend.
    @Test func hourlySpend() {
        var money = spending([Self.endpoint(1, perHour: 36)])
        #expect(money.accrue(now: 10).isEmpty)
        #expect(abs(money.byEndpoint[0] - 0.1) < 1e-12)
        let first = money.settle(Self.dispatch(Self.record()), usage: nil, answered: true, now: 20)
        let second = money.settle(Self.dispatch(Self.record()), usage: nil, answered: true, now: 25)
        #expect(abs((first.cost ?? 0) - 0.2) < 1e-12 && abs((second.cost ?? 0) - 0.05) < 1e-12)
        #expect(abs(money.byEndpoint[0] - 0.25) < 1e-12 && money.figures(now: 25).isPriced)
    }

    /// Under a cap an hourly endpoint holds back its drain time: with $1 an hour and a 30 s drain
    /// ($0.0083), a cap of $0.008 leaves room for nothing.
    @Test func hourlyDrainIsHeldBack() {
        var money = spending([Self.endpoint(1, perHour: 1)], cap: 0.008)
        #expect(!money.allows(0))
        money = spending([Self.endpoint(1, perHour: 1)], cap: 0.1)
        #expect(money.allows(0))
        _ = money.accrue(now: 3600 * 0.095)
        #expect(money.hourlySpendReachedCap)
    }
}
