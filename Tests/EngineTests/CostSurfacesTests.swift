import Foundation
import Testing
@testable import Engine

/// Money where it leaves the engine: the status document, the metrics, the output lines, the resume
/// scan, the provider's spend-limit answers, and validate's estimate.
@Suite struct CostSurfacesTests {
    static func spentSnapshot() -> StatsSnapshot {
        var snapshot = StatsSnapshot()
        snapshot.succeeded = 40
        snapshot.control.spend.spent = 1.5
        snapshot.control.spend.spentBefore = 0.5
        snapshot.control.spend.cap = 2
        snapshot.control.spend.perMinute = 0.25
        snapshot.control.spend.alerted = [0.5]
        snapshot.control.spend.isPriced = true
        snapshot.control.spend.stop = .cap
        var endpoint = EndpointSnapshot(name: "a", url: "http://a:1/v1", weight: 1, initialWeight: 1, state: .outOfFunds)
        endpoint.control.spent = 1.0
        snapshot.endpoints = [endpoint]
        snapshot.control.endpoints = [endpoint.control]
        return snapshot
    }

    /// The status carries spend, cap, $/min, the projection, the stop and each endpoint's cost, and
    /// reads back into the same figures; a fleet adds its shards' spend and caps.
    @Test func statusDocument() throws {
        let context = StatusDocument.Context(pid: 1, host: "h", startedAt: 0, run: .init(version: "v", input: "i", save: "s", errors: "e"), total: 100)
        let document = StatusDocument(Self.spentSnapshot(), context: context)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(StatusCoding.encode(document))) as? [String: Any])
        let cost = try #require(json["cost"] as? [String: Any])
        #expect(cost["spent_usd"] as? Double == 1.5 && cost["cap_usd"] as? Double == 2 && cost["stopped"] as? String == "cap")
        // $1.00 over 40 records here, 60 left: $1.50 more.
        #expect(cost["projected_usd"] as? Double == 3.0)
        #expect((json["endpoints"] as? [[String: Any]])?.first?["cost_usd"] as? Double == 1.0)
        #expect((json["endpoints"] as? [[String: Any]])?.first?["status"] as? String == "out_of_funds")
        let back = try StatusCoding.decode(StatusDocument.self, from: StatusCoding.encode(document)).snapshot
        #expect(back.control.spend == Self.spentSnapshot().control.spend)
        #expect(back.endpoints[0].control.spent == 1.0 && back.endpoints[0].state == .outOfFunds)
        let fleet = try #require(StatusDocument.fleet([document, document]))
        #expect(fleet.cost?.spentUsd == 3 && fleet.cost?.capUsd == 4 && fleet.endpoints[0].costUsd == 2)
    }

    /// `/metrics` has `fanout_cost_usd_total` by endpoint and the cap's gauges.
    @Test func metrics() {
        let lines = Set(PrometheusExposition.render(Self.spentSnapshot()).split(separator: "\n").map(String.init))
        for expected in [#"fanout_cost_usd_total{endpoint="a"} 1"#, "fanout_cost_spent_usd 1.5", "fanout_cost_cap_usd 2",
                         "fanout_cost_cap_reached 1", "# TYPE fanout_cost_usd_total counter"] {
            #expect(lines.contains(expected), "\(expected)")
        }
    }

    /// Save lines carry `cost_usd` (null when unknown); error lines carry what their attempts cost.
    @Test func outputLines() {
        let record = RequestRecord(id: "7", line: 7, form: .seed, input: "hi", body: .object([]))
        let saved = OutputRecord.success(record: record, answer: ParsedAnswer(response: "ok"), endpoint: "a", attempts: 1, latency: 0.1, cost: 0.0000123)
        #expect(saved["cost_usd"] == .number("1.23e-05"))
        #expect(OutputRecord.success(record: record, answer: ParsedAnswer(response: "ok"), endpoint: "a", attempts: 1, latency: 0.1)["cost_usd"] == .null)
        #expect(OutputRecord.failure(record: record, error: "x", status: 500, attempts: 2, endpoint: "a", cost: 0.5)["cost_usd"] == .number(0.5))
    }

    /// A resumed run adds up `cost_usd`, and prices a Batch line's recorded usage by its model.
    @Test func resumeCountsRecordedSpend() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("spent-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let save = directory + "/out.jsonl", errors = directory + "/errors.jsonl"
        try """
            {"id":"1","response":"a","usage":{"prompt_tokens":9},"cost_usd":0.25}
            {"id":"2","response":"b","cost_usd":null}
            {"id":"batch_req_1","custom_id":"3","response":{"status_code":200,"body":{"model":"m","choices":[{"message":{"content":"x"}}],"usage":{"prompt_tokens":1000,"completion_tokens":100,"prompt_tokens_details":{"cached_tokens":500}}}},"error":null}
            {"id":"batch_req_2","custom_id":"4","response":{"status_code":200,"body":{"model":"claude","usage":{"input_tokens":100,"output_tokens":10,"cache_creation_input_tokens":1000}}},"error":null}

            """.write(toFile: save, atomically: true, encoding: .utf8)
        try "{\"id\":\"5\",\"error\":\"x\",\"cost_usd\":0.5}\n".write(toFile: errors, atomically: true, encoding: .utf8)
        let index = try ResumeIndex.prepare(savePath: save, errorsPath: errors, restart: false)
        #expect(index.recordedCost == 0.75 && index.lines == 5)
        let prices = PriceTable(overrides: ["m": ModelPrice(input: 0.001, output: 0.002, cacheRead: 0.0001),
                                            "claude": ModelPrice(input: 0.01, output: 0.1, cacheWrite: 0.02)], includesBuiltIn: false)
        let spent = index.spent(prices: prices, endpoints: [])
        let batch = 500 * 0.001 + 500 * 0.0001 + 100 * 0.002 + 100 * 0.01 + 10 * 0.1 + 1000 * 0.02
        #expect(abs(spent.dollars - (0.75 + batch)) < 1e-9 && spent.unpriced.isEmpty)
        #expect(index.spent(prices: PriceTable(includesBuiltIn: false), endpoints: []).unpriced == ["claude", "m"])
    }

    /// OpenAI's `insufficient_quota` and billing codes, and Anthropic's billing error and spend-limit
    /// messages, say the account is out of money; rate limits and other 4xx do not.
    @Test(arguments: [
        (429, #"{"error":{"message":"You exceeded your current quota","type":"insufficient_quota","code":"insufficient_quota"}}"#, true),
        (429, #"{"error":{"message":"Billing hard limit has been reached","code":"billing_hard_limit_reached"}}"#, true),
        (402, #"{"type":"error","error":{"type":"billing_error","message":"There is an issue with your billing"}}"#, true),
        (400, #"{"type":"error","error":{"type":"invalid_request_error","message":"Your credit balance is too low to access the Anthropic API."}}"#, true),
        (400, #"{"type":"error","error":{"type":"invalid_request_error","message":"You have reached your specified API usage limits. You will regain access on 2026-12-31."}}"#, true),
        (429, #"{"error":{"message":"Rate limit reached for requests","code":"rate_limit_exceeded"}}"#, false),
        (400, #"{"error":{"message":"max_tokens is too large"}}"#, false),
        (500, #"{"error":{"message":"credit balance is too low"}}"#, false),
    ])
    func spendLimits(status: Int, body: String, outOfFunds: Bool) throws {
        let result = ResponseParser.interpret(TransportResponse(status: status, body: Array(body.utf8)), wallClock: 0)
        guard case .failure(let error) = result else { Issue.record("not a failure"); return }
        #expect(error.isOutOfFunds == outOfFunds)
        if outOfFunds { #expect(!error.isRetryable && !error.isRateLimit) }
    }

    /// validate's range: prompts (characters / 4) at the input price, up to the worst case the cap
    /// reserves (the prompt's bound plus max_tokens at the output price), spread by weight;
    /// unpriced models are counted apart.
    @Test func estimate() {
        var table = EndpointConfiguration(name: "a", url: EndpointURL("http://a:1")!, weight: 3)
        table.price = nil
        var own = EndpointConfiguration(name: "b", url: EndpointURL("http://b:1")!, weight: 1)
        own.price = ModelPrice(input: 0.01, output: 0.02)
        var estimate = CostEstimate(CostConfiguration(prices: PriceTable(overrides: ["m": ModelPrice(input: 0.001, output: 0.002)], includesBuiltIn: false)),
                                    endpoints: [table, own])
        estimate.add(SpendingTests.record(prompt: String(repeating: "x", count: 40), maxTokens: 100))
        estimate.add(SpendingTests.record(model: "nope"))
        // 10 prompt tokens by the estimate, 76 by the bound (16 + 16 + "user" + 40 bytes);
        // a: ¾ × (0.01 … 0.076 + 0.2), b: ¼ × (0.1 … 0.76 + 2).
        #expect(abs(estimate.low - (0.75 * 0.01 + 0.25 * 0.1)) < 1e-12)
        #expect(abs(estimate.high - (0.75 * 0.276 + 0.25 * 2.76)) < 1e-12)
        #expect(estimate.priced == 1 && estimate.unpriced == ["nope": 1])
    }
}
