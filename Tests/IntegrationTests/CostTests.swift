import Engine
import Foundation
import MockLLM
import Testing
import TestSupport

/// Money with the real binary over real HTTP: a cap that holds across reruns, an account out of
/// money, an unpriced model, and validate's estimate.
@Suite(.serialized, .tags(.integration)) struct CostTests {
    /// Chat lines for gpt-4o-mini with 20-character prompts (5 tokens by the estimate and by the
    /// mock's usage) and max_tokens 10.
    static func lines(_ count: Int, model: String = "gpt-4o-mini") -> [String] {
        (1...count).map { number in
            let digits = String(number)
            let prompt = "q" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits + String(repeating: "x", count: 15)
            return #"{"model":"\#(model)","max_tokens":10,"messages":[{"role":"user","content":"\#(prompt)"}]}"#
        }
    }

    /// Prices for gpt-4o-mini; with `freeInput`, prompts cost nothing, so each line's worst case
    /// (10 tokens at $0.002) is exactly what the mock's 10-token answers cost: $0.02.
    func pricesFile(_ harness: Harness, freeInput: Bool = false) throws -> String {
        let path = harness.directory.appendingPathComponent("prices.json").path
        try #"{"gpt-4o-mini": {"input_cost_per_token": \#(freeInput ? "0" : "0.001"), "output_cost_per_token": 0.002}}"#
            .write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func costs(_ path: String) throws -> [Double] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        return try Harness.read(path).map { $0["cost_usd"]?.doubleValue ?? .nan }
    }

    /// `--max_cost` that allows exactly 10 answers: 10 saved, spend within the cap, exit 6 and no error
    /// records; the same cap again sends nothing and exits 6; a higher cap continues where it
    /// stopped; enough cap finishes with every line exactly once.
    @Test func capHoldsAcrossReruns() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        var behavior = MockBehavior(latency: 0.01)
        behavior.outputTokens = 10
        let server = try await MockServer.start(behavior: behavior)
        try harness.writeInput(Self.lines(30))
        let prices = try pricesFile(harness, freeInput: true)
        func run(cap: String) throws -> BinaryTests.Run {
            try BinaryTests().fanout(["--requests_filepath", harness.inputPath, "--save_filepath", harness.savePath, "--errors_filepath", harness.errorsPath,
                                      "--endpoint", server.baseURL, "--prices", prices, "--max_cost", cap, "--no-tui"])
        }
        let first = try run(cap: "0.2")
        #expect(first.status == 6, "stderr: \(first.stderr)")
        #expect(first.stderr.contains("spend cap reached: spent $0.20 of the $0.20 cap; 20 records left unsent"), "\(first.stderr)")
        #expect(first.stdout.contains("cost $0.20, cap $0.20"), "\(first.stdout)")
        let saved = try costs(harness.savePath)
        #expect(saved.count == 10 && saved.allSatisfy { abs($0 - 0.02) < 1e-9 })
        #expect(saved.reduce(0, +) <= 0.2 + 1e-9)
        #expect(try costs(harness.errorsPath).isEmpty)
        #expect(server.arrivals == 10)

        let again = try run(cap: "0.2")
        #expect(again.status == 6 && server.arrivals == 10, "stderr: \(again.stderr)")
        #expect(again.stderr.contains("record $0.20 already spent"))

        let higher = try run(cap: "0.5")
        #expect(higher.status == 6 && server.arrivals == 25, "stderr: \(higher.stderr)")
        let rest = try run(cap: "10")
        #expect(rest.status == 0, "stderr: \(rest.stderr)")
        let ids = try Harness.read(harness.savePath).compactMap { $0["id"]?.stringValue }
        #expect(ids.count == 30 && Set(ids).count == 30 && server.arrivals == 30)
        #expect(abs(try costs(harness.savePath).reduce(0, +) - 0.6) < 1e-9)
        await server.stop()
    }

    /// An account out of money (429 insufficient_quota) stops sends at once: exit 6, nothing in the
    /// errors file, and a rerun after topping up sends exactly the records left.
    @Test func outOfMoneyLeavesRecordsUnsent() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        var behavior = MockBehavior()
        behavior.quotaAfter = 5
        let server = try await MockServer.start(behavior: behavior)
        try harness.writeInput(Self.lines(20))
        let arguments = ["--requests_filepath", harness.inputPath, "--save_filepath", harness.savePath, "--errors_filepath", harness.errorsPath,
                         "--endpoint", server.baseURL, "--max_in_flight", "1", "--no-tui"]
        let first = try BinaryTests().fanout(arguments)
        #expect(first.status == 6, "stderr: \(first.stderr)")
        #expect(first.stderr.contains("every endpoint is out of money"), "\(first.stderr)")
        #expect(try Harness.read(harness.savePath).count == 5 && (try costs(harness.errorsPath)).isEmpty)
        #expect(server.arrivals == 6)
        server.behavior = MockBehavior()
        let topped = try BinaryTests().fanout(arguments)
        #expect(topped.status == 0, "stderr: \(topped.stderr)")
        let ids = try Harness.read(harness.savePath).compactMap { $0["id"]?.stringValue }
        #expect(ids.count == 20 && Set(ids).count == 20)
        await server.stop()
    }

    /// Under a cap a model without a price is refused at start when named (exit 2, nothing sent), and
    /// is an error record naming it and --prices when first met in the input; validate prints the range.
    @Test func unpricedModelsAndTheEstimate() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let server = try await MockServer.start()
        try harness.writeInput(Self.lines(3) + Self.lines(1, model: "house-model-7b"))
        let prices = try pricesFile(harness)
        let base = ["--requests_filepath", harness.inputPath, "--save_filepath", harness.savePath, "--errors_filepath", harness.errorsPath,
                    "--endpoint", server.baseURL, "--no-tui"]
        let named = try BinaryTests().fanout(base + ["--max_cost", "5", "--model", "house-model-7b"])
        #expect(named.status == 2 && named.stderr.contains("\"house-model-7b\" has no known price") && server.arrivals == 0, "\(named.stderr)")

        let estimate = try BinaryTests().fanout(["validate"] + base.dropLast() + ["--prices", prices])
        // Three priced lines: 5 prompt tokens each at $0.001 by the estimate, up to the worst case: the
        // prompt's bound (56: 20 + 4 bytes and the overheads) at $0.001 + 10 × $0.002, $0.076 each.
        #expect(estimate.stdout.contains("estimated cost: $0.015 to $0.228"), "\(estimate.stdout)")
        #expect(estimate.stdout.contains("no known price for 1 records (house-model-7b 1)"), "\(estimate.stdout)")
        #expect(server.arrivals == 0)

        let run = try BinaryTests().fanout(base + ["--max_cost", "5", "--prices", prices])
        #expect(run.status == 1, "stderr: \(run.stderr)")
        let errors = try Harness.read(harness.errorsPath)
        #expect(errors.count == 1 && errors[0]["line"] == 4)
        #expect(errors[0]["error"]?.stringValue?.contains("model \"house-model-7b\" has no known price") == true)
        #expect(errors[0]["error"]?.stringValue?.contains("--prices") == true)
        #expect(try Harness.read(harness.savePath).count == 3 && server.arrivals == 3)
        await server.stop()
    }

    /// kill -9 with 600 capped requests in flight, then the same command again: the rerun counts
    /// what was in flight as spent (from the spend journal), so the requests the server received
    /// across both runs cost at most the cap.
    @Test func capSurvivesKill9() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        var behavior = MockBehavior(latency: 4)
        behavior.outputTokens = 10
        let server = try await MockServer.start(behavior: behavior)
        try harness.writeInput(Self.lines(1000))
        let prices = try pricesFile(harness, freeInput: true)
        let arguments = ["--requests_filepath", harness.inputPath, "--save_filepath", harness.savePath, "--errors_filepath", harness.errorsPath,
                         "--endpoint", server.baseURL, "--prices", prices, "--max_cost", "12", "--max_in_flight", "1000",
                         "--max_requests_per_second", "0", "--no-tui"]
        let first = try BinaryTests.launch(arguments)
        #expect(await ControlTests.waitFor(15) { server.arrivals >= 600 }, "only \(server.arrivals) arrived")
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        let journal = SpendJournal.path(for: harness.savePath)
        #expect(FileManager.default.fileExists(atPath: journal))
        let rerun = try BinaryTests().fanout(arguments)
        #expect(rerun.status == 6, "stderr: \(rerun.stderr)")
        #expect(rerun.stderr.contains("reserved for requests in flight"), "\(rerun.stderr)")
        // Each request costs exactly its worst case ($0.02): what arrived is what could be billed.
        #expect(Double(server.arrivals) * 0.02 <= 12 + 1e-9, "\(server.arrivals) requests arrived under a $12 cap")
        await server.stop()
    }

    /// A server reporting 10^15 completion tokens at gpt-4o's built-in price, or 2^63−1 with no
    /// price, leaves the run going: every record saved, exit 0, each answer charged at most the
    /// ceiling with a warning naming the endpoint.
    @Test func absurdUsageNeverKillsTheRun() async throws {
        for (model, completion) in [("gpt-4o", "1000000000000000"), ("house-model", "9223372036854775807")] {
            let harness = try Harness()
            defer { harness.cleanUp() }
            let body = #"{"id":"x","object":"chat.completion","model":"\#(model)","choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":\#(completion),"total_tokens":\#(completion)}}"#
            let server = try await CannedServer.start(reply: CannedServer.http(headers: ["Content-Type: application/json"], body: Array(body.utf8)))
            try harness.writeInput((1...20).map { #"{"model":"\#(model)","messages":[{"role":"user","content":"q\#($0)"}]}"# })
            let run = try BinaryTests().fanout(["--requests_filepath", harness.inputPath, "--save_filepath", harness.savePath,
                                                "--endpoint", "http://127.0.0.1:\(server.port)", "--max_in_flight", "4", "--no-tui"])
            #expect(run.status == 0, "\(model): \(run.stderr.suffix(1500))")
            let saved = try Harness.read(harness.savePath)
            #expect(saved.count == 20, "\(model)")
            if model == "gpt-4o" {
                #expect(saved.allSatisfy { $0["cost_usd"]?.doubleValue == 10_000 }, "\(saved.first.map { "\($0)" } ?? "")")
                #expect(run.stderr.contains("warning: an answer from 127.0.0.1:\(server.port) reported usage costing more than"), "\(run.stderr.suffix(1500))")
            }
            await server.stop()
        }
    }
}
