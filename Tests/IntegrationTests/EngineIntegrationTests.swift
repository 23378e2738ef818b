import Engine
import Foundation
import MockLLM
import Testing
import TestSupport

@Suite(.serialized, .tags(.integration)) struct EngineIntegrationTests {
    /// Weights 3:1 split 2,000 requests 75 % / 25 % at the servers, within 3 %.
    @Test(arguments: Harness.Client.allCases)
    func weightedSplit(client: Harness.Client) async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let a = try await MockServer.start()
        let b = try await MockServer.start()
        let outcome = try await harness.run(Harness.prompts(2000), endpoints: [Harness.endpoint(a, weight: 3), Harness.endpoint(b, weight: 1)], client: client)
        await a.stop(); await b.stop()
        expectExactlyOnce(outcome, count: 2000)
        #expect(outcome.saved.count == 2000)
        #expect(abs(Double(a.arrivals) / 2000 - 0.75) <= 0.03)
        #expect(a.arrivals + b.arrivals == 2000)
    }

    /// At 200 req/s, 400 requests take 2 s ±10 %, measured at the server.
    @Test func holdsRate() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let server = try await MockServer.start()
        let outcome = try await harness.run(Harness.prompts(400), endpoints: [Harness.endpoint(server)], rate: 200)
        await server.stop()
        expectExactlyOnce(outcome, count: 400)
        let times = server.arrivalTimes
        let span = (times.max() ?? 0) - (times.min() ?? 0)
        #expect(span >= 1.8 && span <= 2.2, "400 requests at 200/s took \(span) s at the server")
        #expect(outcome.seconds >= 1.8 && outcome.seconds <= 2.4)
    }

    /// A flaky endpoint (first 2 attempts of each prompt answer 500) ends all-ok with 3 arrivals each.
    @Test(arguments: Harness.Client.allCases)
    func retriesUntilSuccess(client: Harness.Client) async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let server = try await MockServer.start(behavior: MockBehavior(failFirst: 2))
        let outcome = try await harness.run(Harness.prompts(40), endpoints: [Harness.endpoint(server)], client: client)
        await server.stop()
        expectExactlyOnce(outcome, count: 40)
        #expect(outcome.saved.count == 40)
        #expect(outcome.saved.allSatisfy { $0["attempts"] == 3 })
        #expect(server.arrivalsByPrompt.values.allSatisfy { $0 == 3 })
        #expect(outcome.result.snapshot.retries == 80)
    }

    /// A 400 is never retried: one arrival per record, every record in the errors file with status 400.
    @Test(arguments: Harness.Client.allCases)
    func clientErrorsAreFinal(client: Harness.Client) async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let server = try await MockServer.start(behavior: MockBehavior(fixedStatus: 400))
        let outcome = try await harness.run(Harness.prompts(30), endpoints: [Harness.endpoint(server)], client: client)
        await server.stop()
        expectExactlyOnce(outcome, count: 30)
        #expect(server.arrivals == 30)
        #expect(outcome.errors.count == 30)
        #expect(outcome.errors.allSatisfy { $0["status"] == 400 && $0["attempts"] == 1 && $0["line"] != nil })
        #expect(outcome.errors.first?["error"]?.stringValue == "HTTP 400: mock status 400")
    }

    /// A 429 with Retry-After: 1 makes the retry wait at least 1 s.
    @Test func honoursRetryAfter() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let server = try await MockServer.start(behavior: MockBehavior(failFirst: 1, failStatus: 429, retryAfter: "1"))
        let outcome = try await harness.run(Harness.prompts(1), endpoints: [Harness.endpoint(server)])
        await server.stop()
        expectExactlyOnce(outcome, count: 1)
        let times = server.arrivalTimes
        #expect(times.count == 2)
        #expect(times.count == 2 && times[1] - times[0] >= 1.0)
        #expect(outcome.saved.first?["attempts"] == 2)
    }

    /// With one endpoint refusing connections, the other serves every record.
    @Test(arguments: Harness.Client.allCases)
    func survivesRefusedEndpoint(client: Harness.Client) async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let dead = try await MockServer.start()
        let deadEndpoint = Harness.endpoint(dead)
        await dead.stop()
        let live = try await MockServer.start()
        let outcome = try await harness.run(Harness.prompts(200), endpoints: [deadEndpoint, Harness.endpoint(live)], client: client)
        await live.stop()
        expectExactlyOnce(outcome, count: 200)
        #expect(outcome.saved.count == 200)
        #expect(live.arrivals == 200)
        #expect(outcome.result.snapshot.errorsByKind[.connection, default: 0] > 0)
    }

    /// A hanging endpoint with a short timeout yields timeout error records, and the run ends.
    /// (Ejection is set out of reach here; with it, retries wait for probes — see EndpointHealthTests.)
    @Test(arguments: Harness.Client.allCases)
    func timesOutHangingEndpoint(client: Harness.Client) async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let server = try await MockServer.start(behavior: MockBehavior(hang: true))
        let outcome = try await harness.run(Harness.prompts(5), endpoints: [Harness.endpoint(server)], maxAttempts: 2, timeout: 0.5,
                                            ejectAfter: 100, client: client)
        await server.stop()
        expectExactlyOnce(outcome, count: 5)
        #expect(outcome.errors.count == 5)
        #expect(outcome.errors.allSatisfy { $0["error"]?.stringValue?.contains("timeout") == true && $0["attempts"] == 2 })
        #expect(outcome.seconds < 5)
    }

    /// Malformed lines become error records with their line numbers; the good ones are answered.
    @Test func recordsBadLines() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let server = try await MockServer.start()
        let lines = [#"{"input":"a"}"#, "not json", "", #"{"input":7}"#, #"{"messages":[{"role":"user","content":"b"}]}"#, "[1]"]
        let outcome = try await harness.run(lines, endpoints: [Harness.endpoint(server)])
        await server.stop()
        #expect(outcome.saved.compactMap { $0["id"]?.stringValue }.sorted() == ["1", "5"])
        #expect(outcome.errors.compactMap { $0["line"]?.intValue }.sorted() == [2, 4, 6])
        #expect(outcome.saved.first { $0["id"] == "1" }?["response"] == "Answer to: a")
        #expect(server.arrivals == 2)
    }

    /// A 2xx that is not JSON is retried, then recorded as an invalid response.
    @Test(arguments: Harness.Client.allCases)
    func invalidResponses(client: Harness.Client) async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let server = try await MockServer.start(behavior: MockBehavior(invalidJSON: true))
        let outcome = try await harness.run(Harness.prompts(3), endpoints: [Harness.endpoint(server)], maxAttempts: 2, client: client)
        await server.stop()
        expectExactlyOnce(outcome, count: 3)
        #expect(server.arrivals == 6)
        #expect(outcome.errors.allSatisfy { $0["error"]?.stringValue?.contains("invalid response") == true })
    }

    /// Streaming requests are answered as SSE and saved as the joined text.
    @Test func streamsAreJoined() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let server = try await MockServer.start()
        let outcome = try await harness.run([#"{"messages":[{"role":"user","content":"one two three"}],"stream":true,"stream_options":{"include_usage":true}}"#],
                                            endpoints: [Harness.endpoint(server)])
        await server.stop()
        #expect(outcome.saved.first?["response"] == "Answer to: one two three")
        #expect(outcome.saved.first?["usage"]?["completion_tokens"] != nil)
        #expect(outcome.saved.first?["ttft_ms"]?.doubleValue != nil && outcome.saved.first?["request_id"] != nil)
    }
}
