import Engine
import Foundation
import MockLLM
import Testing
import TestSupport

/// Token and request limits and provider rate-limit headers against real servers.
@Suite(.tags(.integration)) struct LimitsTests {
    /// A server that sends x-ratelimit headers is slowed before it answers 429: at 40 requests per
    /// second allowed, 100 requests arrive with no (or next to no) 429 and take about 2.5 s.
    @Test func providerHeadersAvoid429() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let server = try await MockServer.start(behavior: MockBehavior(latency: 0.005, rateLimit: 40))
        let outcome = try await harness.run(Harness.prompts(100), endpoints: [Harness.endpoint(server)], maxInFlight: 4)
        await server.stop()
        expectExactlyOnce(outcome, count: 100)
        #expect(outcome.saved.count == 100)
        #expect((outcome.result.snapshot.errorsByKind[.rateLimited] ?? 0) <= 4)
        #expect(outcome.seconds >= 1.5)
    }

    /// Tokens per minute hold the pace: 12 requests estimated at 11 tokens (and reported at about
    /// twice that) at 6,000 per minute (100/s) need well over 2 s; the first second carries no more
    /// than a second's worth of estimates plus one request.
    @Test func tokensPerMinutePace() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let server = try await MockServer.start()
        let prompt = String(repeating: "x", count: 40)
        let lines = (1...12).map { #"{"messages":[{"role":"user","content":"\#(prompt) \#($0 + 10)"}]}"# }
        let outcome = try await harness.run(lines, endpoints: [Harness.endpoint(server)]) { $0.tokensPerMinute = 6000 }
        let times = server.arrivalTimes.sorted()
        await server.stop()
        #expect(outcome.saved.count == 12)
        #expect(outcome.seconds >= 2)
        let firstSecond = times.filter { $0 - times[0] < 1 }.count
        #expect(firstSecond <= 100 / 11 + 1)
    }

    /// An endpoint's own rps sends the overflow to its unlimited neighbour instead of waiting.
    @Test func endpointRequestLimit() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let slow = try await MockServer.start()
        let open = try await MockServer.start()
        var limited = Harness.endpoint(slow)
        limited.requestsPerSecond = 5
        let outcome = try await harness.run(Harness.prompts(100), endpoints: [limited, Harness.endpoint(open)])
        await slow.stop()
        await open.stop()
        expectExactlyOnce(outcome, count: 100)
        // At most 5 a second for as long as the run took (plus the first), the rest on the open one.
        #expect(slow.arrivals <= 2 + Int(outcome.seconds * 5))
        #expect(slow.arrivals + open.arrivals == 100 && open.arrivals > slow.arrivals)
    }
}
