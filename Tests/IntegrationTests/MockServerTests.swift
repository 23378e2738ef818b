@testable import Engine
import Foundation
import Synchronization
import MockLLM
import Testing
import TestSupport

@Suite(.serialized, .tags(.integration)) struct MockServerTests {
    /// Posts through a transport of the server's own (kept for the process, so connections are reused).
    func post(_ server: MockServer, body: String, path: String = "/v1/chat/completions") async -> Result<TransportResponse, EngineError> {
        let url = EndpointURL(server.baseURL)!
        let transport = Self.transports.withLock { transports in
            if let known = transports[url] { return known }
            let made = try! NIOHTTPTransport(endpoints: [EndpointConfiguration(url: url)], connectionsPerEndpoint: 64, connectTimeout: 2)
            transports[url] = made
            return made
        }
        var request = TransportRequest(endpoint: 0, url: url, path: path, headers: [], body: Array(body.utf8), timeout: 10)
        // As the exchange sends them: a stream is read as it arrives, and timed.
        request.bodyConsumer = StreamReader.consumer
        return await transport.send(request)
    }

    private static let transports = Mutex<[EndpointURL: NIOHTTPTransport]>([:])

    func chat(_ prompt: String) -> String { #"{"model":"m","messages":[{"role":"user","content":"\#(prompt)"}]}"# }

    /// Answers take the configured latency (100 ms) within tolerance, measured at the client
    /// (never less; the median under 400 ms even on a loaded machine).
    @Test func latency() async throws {
        let server = try await MockServer.start(behavior: MockBehavior(latency: 0.1))
        _ = try await post(server, body: chat("warm-up")).get()
        let clock = ContinuousClock()
        var samples: [Duration] = []
        for index in 0..<10 {
            let start = clock.now
            _ = try await post(server, body: chat("p\(index)")).get()
            samples.append(start.duration(to: clock.now))
        }
        await server.stop()
        #expect(samples.allSatisfy { $0 >= .milliseconds(100) }, "\(samples)")
        #expect(samples.sorted()[samples.count / 2] < .milliseconds(400), "\(samples)")
    }

    /// A 10 % error rate gives 10 % ± 3 % of 500s over 2,000 requests.
    @Test func errorRate() async throws {
        let server = try await MockServer.start(behavior: MockBehavior(errorRate: 0.1))
        var statuses: [Int] = []
        for batch in 0..<40 {
            statuses += await withTaskGroup(of: Int.self) { group in
                for index in 0..<50 {
                    group.addTask { (try? await post(server, body: chat("p\(batch * 50 + index)")).get().status) ?? -1 }
                }
                return await group.reduce(into: [Int]()) { $0.append($1) }
            }
        }
        await server.stop()
        let failures = statuses.filter { $0 == 500 }.count
        #expect(statuses.allSatisfy { $0 == 200 || $0 == 500 }, "\(Set(statuses))")
        #expect(failures >= 140 && failures <= 260, "\(failures) of 2000 were 500")
    }

    /// Above the configured rate the server answers 429 with Retry-After and x-ratelimit headers.
    @Test func rateLimit() async throws {
        let server = try await MockServer.start(behavior: MockBehavior(rateLimit: 50))
        var limited: [TransportResponse] = []
        var ok = 0
        for index in 0..<120 {
            let response = try await post(server, body: chat("p\(index)")).get()
            if response.status == 429 { limited.append(response) } else { ok += 1 }
        }
        await server.stop()
        #expect(ok >= 50 && ok <= 150)
        #expect(limited.count >= 1)
        let first = try #require(limited.first)
        #expect(first.header("retry-after").flatMap(Int.init).map { $0 >= 1 } == true)
        #expect(first.header("x-ratelimit-remaining-requests") == "0")
        #expect(first.header("x-ratelimit-reset-requests")?.hasSuffix("ms") == true)
        #expect(ResponseParser.errorMessage(first.body)?.contains("Rate limit") == true)
    }

    /// With `--capacity 2` at most two answers are served at once and the rest queue: six at once
    /// take three latencies. `POST /mock/capacity` changes it while the server runs.
    @Test func capacityQueues() async throws {
        let server = try await MockServer.start(behavior: MockBehavior(latency: 0.2, capacity: 2))
        let clock = ContinuousClock()
        let started = clock.now
        try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<6 { group.addTask { try await post(server, body: chat("c\(index)")).get().status } }
            for try await status in group { #expect(status == 200) }
        }
        #expect(clock.now - started >= .milliseconds(590))
        #expect(server.peakPending == 6)
        let changed = try await post(server, body: #"{"capacity": 6}"#, path: "/mock/capacity").get()
        #expect(changed.status == 200 && String(decoding: changed.body, as: UTF8.self).contains(#""capacity":6"#))
        #expect(server.behavior.capacity == 6)
        let refused = try await post(server, body: #"{"capacity": -1}"#, path: "/mock/capacity").get()
        #expect(refused.status == 400)
        let again = clock.now
        try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<6 { group.addTask { try await post(server, body: chat("d\(index)")).get().status } }
            for try await _ in group {}
        }
        #expect(clock.now - again < .milliseconds(590))
        await server.stop()
    }

    /// Fixed 60 s windows without Retry-After or a reset header, as many proxies answer: the limit
    /// and what is left are the only headers.
    @Test func windowWithoutRetryAfter() async throws {
        var behavior = MockBehavior(rateLimit: 3)
        behavior.rateLimitWindow = 60
        behavior.rateLimitRetryAfter = false
        behavior.rateLimitResetHeader = false
        let server = try await MockServer.start(behavior: behavior)
        var statuses: [Int] = []
        var last: TransportResponse?
        for index in 0..<5 {
            let response = try await post(server, body: chat("w\(index)")).get()
            statuses.append(response.status)
            last = response
        }
        await server.stop()
        #expect(statuses == [200, 200, 200, 429, 429])
        let refusal = try #require(last)
        #expect(refusal.header("retry-after") == nil && refusal.header("x-ratelimit-reset-requests") == nil)
        #expect(refusal.header("x-ratelimit-limit-requests") == "3" && refusal.header("x-ratelimit-remaining-requests") == "0")
        #expect(ResponseParser.errorCode(refusal.body) == "rate_limit_exceeded")
    }

    /// `stream: true` is answered as SSE one token at a time: the first after --ttft, then one every
    /// 1/--tokens_per_second, as the client times them; usage only when stream_options asks for it.
    @Test func streaming() async throws {
        var behavior = MockBehavior(latency: 0.1, secondsPerToken: 0.02)
        behavior.outputTokens = 6
        let server = try await MockServer.start(behavior: behavior)
        let plain = try await post(server, body: #"{"model":"m","stream":true,"messages":[{"role":"user","content":"hi there"}]}"#).get()
        let withUsage = try await post(server, body: #"{"model":"m","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]}"#).get()
        await server.stop()
        #expect(plain.header("content-type") == "text/event-stream")
        let answer = try ResponseParser.interpret(plain, wallClock: 0).get()
        #expect(answer.response == "alpha bravo charlie delta echo foxtrot" && answer.usage == nil)
        let timing = try #require(answer.timing)
        #expect(timing.ttft >= 0.1 && timing.ttft < 0.3, "\(timing)")
        #expect(timing.itl.count == 5 && timing.itl.reduce(0, +) >= 0.09 && timing.itl.reduce(0, +) < 0.3, "\(timing.itl)")
        #expect(!timing.tokensReported && timing.outputTokens == 6)
        let counted = try ResponseParser.interpret(withUsage, wallClock: 0).get()
        #expect(counted.usage?["completion_tokens"] == 6 && counted.timing?.tokensReported == true)
    }

    /// Streams of the derived answer are one chunk per token as the usage counts them, and
    /// `max_tokens` cuts an answer (finish_reason length) streamed or not.
    @Test func tokensAndMaxTokens() async throws {
        let server = try await MockServer.start()
        let streamed = try await post(server, body: #"{"model":"m","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"one two three four"}]}"#).get()
        let cut = try await post(server, body: #"{"model":"m","max_tokens":2,"messages":[{"role":"user","content":"one two three four"}]}"#).get()
        await server.stop()
        let answer = try ResponseParser.interpret(streamed, wallClock: 0).get()
        #expect(answer.response == "Answer to: one two three four")
        #expect(answer.usage?["completion_tokens"]?.intValue == answer.timing?.itl.count.advanced(by: 1))
        let body = try JSONParser.parse(cut.body)
        #expect(body["choices"]?[0]?["finish_reason"] == "length" && body["usage"]?["completion_tokens"] == 2)
    }

    /// Completions get `choices[0].text`; unknown paths get a 404 with an OpenAI error body.
    @Test func routes() async throws {
        let server = try await MockServer.start()
        let completion = try await post(server, body: #"{"model":"m","prompt":"abc"}"#, path: "/v1/completions").get()
        let missing = try await post(server, body: "{}", path: "/v1/embeddings").get()
        await server.stop()
        #expect(try JSONParser.parse(completion.body)["choices"]?[0]?["text"] == "Answer to: abc")
        #expect(missing.status == 404)
    }
}

@Suite(.serialized, .tags(.integration)) struct DemoCommandTests {
    /// A small headless demo completes with every generated record accounted for exactly once, over
    /// all five endpoints (the Anthropic one and the batch route included).
    @Test func headlessDemo() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let run = try BinaryTests().fanout(["demo", "--size", "600", "--rate", "1000", "--no-tui", "--directory", harness.directory.path])
        #expect(run.status == 0 || run.status == 1, "stderr: \(run.stderr)")
        let saved = try Harness.read(harness.directory.appendingPathComponent("prompts_results.jsonl").path)
        let errors = try Harness.read(harness.directory.appendingPathComponent("errors.jsonl").path)
        let ids = (saved + errors).compactMap { $0["id"]?.stringValue }
        #expect(ids.count == 600 && Set(ids) == Set((1...600).map(String.init)))
        #expect(Set(saved.compactMap { $0["endpoint"]?.stringValue }) == ["fast", "slow", "flaky", "claude", "batch"])
        #expect(saved.filter { $0["endpoint"] == "batch" }.allSatisfy { $0["route"] == "batch" && $0["batch_id"] != nil })
        // The Anthropic endpoint's answers are Messages answers, the demo's prompts translated for it.
        #expect(saved.filter { $0["endpoint"] == "claude" }.allSatisfy { $0["stop_reason"] == "end_turn" && $0["ttft_ms"] != nil })
        #expect(run.stderr.contains("files in \(harness.directory.path)"))
        #expect(run.stdout.contains("600 records"))
    }
}
