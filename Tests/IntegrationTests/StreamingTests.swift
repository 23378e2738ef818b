import Engine
import Foundation
import MockLLM
import Testing

@Suite(.serialized, .tags(.integration)) struct StreamingTests {
    static func streamingServer() async throws -> MockServer {
        var behavior = MockBehavior(latency: 0.1, secondsPerToken: 0.01)
        behavior.outputTokens = 8
        return try await MockServer.start(behavior: behavior)
    }

    /// `--stream` against a server that streams a token every 10 ms after 100 ms: every record saves
    /// its TTFT, gaps, TPOT, output tokens (from the usage stream_options asked for) and request id;
    /// the summary gives TTFT, ITL and goodput against --slo.
    @Test func streamedRunMeasuresTokens() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let server = try await Self.streamingServer()
        try harness.writeInput(Harness.prompts(20))
        let run = try BinaryTests().fanout(["--requests_filepath", harness.inputPath, "--save_filepath", harness.savePath,
                                            "--endpoint", server.baseURL, "--stream", "--slo", "ttft=5s,tpot=1s", "--no-tui"])
        await server.stop()
        #expect(run.status == 0, "stderr: \(run.stderr)")
        let saved = try Harness.read(harness.savePath)
        #expect(saved.count == 20)
        for record in saved {
            let ttft = try #require(record["ttft_ms"]?.doubleValue)
            #expect(ttft >= 100 && ttft < 2000, "\(record)")
            #expect(record["output_tokens"] == 8 && record["usage"]?["completion_tokens"] == 8)
            guard case .array(let gaps)? = record["itl_ms"] else { Issue.record("no itl_ms in \(record)"); continue }
            #expect(gaps.count == 7)
            let tpot = try #require(record["tpot_ms"]?.doubleValue)
            #expect(tpot >= 9 && tpot < 200, "\(record)")
            #expect(record["request_id"]?.stringValue?.hasPrefix("req_mock") == true)
        }
        #expect(run.stdout.contains("goodput: 20 of 20 records (100.0%) met ttft ≤ 5.0s, tpot ≤ 1.0s"), "\(run.stdout)")
        #expect(run.stdout.contains("streamed 20 answers: TTFT p50 1"), "\(run.stdout)")
    }

    /// A server that refuses stream_options with 400 gets the request again without them, at no
    /// attempt's cost, and is not sent them again: one refusal, then every answer streamed.
    @Test func refusedStreamOptionsAreDropped() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        var behavior = MockBehavior(secondsPerToken: 0.001)
        behavior.refusesStreamOptions = true
        let server = try await MockServer.start(behavior: behavior)
        let outcome = try await harness.run(Harness.prompts(5), endpoints: [Harness.endpoint(server)], maxAttempts: 1, maxInFlight: 1) {
            $0.stream = true
        }
        await server.stop()
        #expect(outcome.saved.count == 5 && outcome.errors.isEmpty)
        #expect(outcome.saved.allSatisfy { $0["attempts"] == 1 && $0["ttft_ms"] != nil && $0["usage"] == nil })
        #expect(server.arrivals == 6 && server.arrivalsByPrompt.values.sorted() == [1, 1, 1, 1, 2])
    }

    /// `--slo ttft=…` without streamed answers is refused with exit 2 and a sentence saying what to
    /// add; input lines that ask for a stream themselves are enough, and e2e alone needs nothing.
    @Test func sloNeedsStreaming() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let server = try await Self.streamingServer()
        try harness.writeInput(Harness.prompts(2))
        let base = ["--requests_filepath", harness.inputPath, "--save_filepath", harness.savePath, "--endpoint", server.baseURL, "--no-tui"]
        let refused = try BinaryTests().fanout(base + ["--slo", "tpot=50ms"])
        #expect(refused.status == 2 && refused.stderr.contains("--slo tpot needs streamed answers to measure: add --stream"), "\(refused.stderr)")
        let bad = try BinaryTests().fanout(base + ["--slo", "ttft=fast"])
        #expect(bad.status == 2 && bad.stderr.contains("--slo takes targets like ttft=500ms"), "\(bad.stderr)")
        let e2e = try BinaryTests().fanout(base + ["--slo", "e2e=10s"])
        #expect(e2e.status == 0 && e2e.stdout.contains("goodput: 2 of 2 records (100.0%) met e2e ≤ 10.0s"), "\(e2e.stdout)")
        try harness.writeInput([#"{"id":"s","messages":[{"role":"user","content":"hi"}],"stream":true}"#])
        let lines = try BinaryTests().fanout(base + ["--slo", "ttft=5s", "--restart"])
        await server.stop()
        #expect(lines.status == 0 && lines.stdout.contains("goodput: 1 of 1 records (100.0%)"), "\(lines.stderr)")
    }
}
