import Testing
@testable import Engine

@Suite struct RetryPolicyTests {
    let policy = RetryPolicy(maxAttempts: 5)

    /// Backoff bounds double from 0.5 s and stop at the 30 s cap; draws stay within [0, bound].
    @Test func backoffBoundsAndJitter() {
        #expect((1...8).map { policy.backoffBound(attempt: $0) } == [0.5, 1, 2, 4, 8, 16, 30, 30])
        var generator = SeededGenerator(seed: 3)
        let long = RetryPolicy(maxAttempts: 100)
        for attempt in 1..<20 {
            guard case .retry(let wait) = long.decide(attempt: attempt, error: .http(status: 500, detail: nil), using: &generator) else {
                Issue.record("gave up"); return
            }
            #expect(wait >= 0 && wait <= long.backoffBound(attempt: attempt))
        }
    }

    /// Connection trouble, timeouts, 408, 409, 429, 5xx and invalid bodies are retried.
    @Test(arguments: [EngineError.connect("refused"), .connectionLost("reset"), .timeout(seconds: 1),
                      .http(status: 408, detail: nil), .http(status: 409, detail: nil), .http(status: 429, detail: nil),
                      .http(status: 500, detail: nil), .http(status: 503, detail: nil), .invalidResponse(status: 200, "x")])
    func retriesTransientFailures(_ error: EngineError) {
        var generator = SeededGenerator(seed: 1)
        guard case .retry = policy.decide(attempt: 1, error: error, using: &generator) else {
            Issue.record("\(error) not retried"); return
        }
    }

    /// Other 4xx are final after one attempt.
    @Test(arguments: [400, 401, 403, 404, 422])
    func doesNotRetryClientErrors(_ status: Int) {
        var generator = SeededGenerator(seed: 1)
        #expect(policy.decide(attempt: 1, error: .http(status: status, detail: nil), using: &generator) == .giveUp)
    }

    /// Retry-After replaces the backoff; the last attempt gives up whatever the error.
    @Test func retryAfterAndLastAttempt() {
        var generator = SeededGenerator(seed: 1)
        #expect(policy.decide(attempt: 2, error: .http(status: 429, detail: nil, retryAfter: 7), using: &generator) == .retry(after: 7))
        #expect(policy.decide(attempt: 5, error: .http(status: 500, detail: nil), using: &generator) == .giveUp)
    }
}
