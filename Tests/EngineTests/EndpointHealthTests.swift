import Testing
@testable import Engine

@Suite struct EndpointHealthTests {
    let failure = EngineError.connect("refused")

    /// Records a failure and says whether it ejected the endpoint (`#expect` cannot call a mutating method).
    func fail(_ health: inout EndpointHealth, _ error: EngineError, now: Double, isLastUsable: Bool) -> Bool {
        health.failed(error, now: now, isLastUsable: isLastUsable)
    }

    /// Five consecutive failures eject for 1 s; a failed probe doubles it; a good probe restores the endpoint.
    @Test func ejectsProbesAndRestores() {
        var health = EndpointHealth(threshold: 5)
        for _ in 0..<4 { #expect(!fail(&health, failure, now: 0, isLastUsable: false)) }
        #expect(fail(&health, failure, now: 0, isLastUsable: false))
        #expect(!health.isUsable(now: 0.5) && health.isUsable(now: 1.0))
        health.dispatched(now: 1.0)
        #expect(!health.isUsable(now: 1.0))
        #expect(fail(&health, failure, now: 1.1, isLastUsable: false))
        #expect(health.ejectedUntil == 3.1)
        health.dispatched(now: 3.2)
        health.succeeded(now: 3.3)
        #expect(health.isUsable(now: 3.3) && health.ejections == 0)
    }

    /// Cooldowns double up to 60 s.
    @Test func cooldownCaps() {
        var health = EndpointHealth(threshold: 1)
        var now = 0.0
        var cooldowns: [Double] = []
        for _ in 0..<9 {
            _ = health.failed(failure, now: now, isLastUsable: false)
            cooldowns.append(health.ejectedUntil - now)
            now = health.ejectedUntil
            health.dispatched(now: now)
        }
        #expect(cooldowns == [1, 2, 4, 8, 16, 32, 60, 60, 60])
    }

    /// 5xx alone never ejects the last usable endpoint; connection failures do; 4xx and 429 never count.
    @Test func lastUsableAndKinds() {
        var health = EndpointHealth(threshold: 2)
        let serverError = EngineError.http(status: 503, detail: nil)
        for _ in 0..<5 { #expect(!fail(&health, serverError, now: 0, isLastUsable: true)) }
        for _ in 0..<5 { #expect(!fail(&health, .http(status: 429, detail: nil), now: 0, isLastUsable: false)) }
        #expect(!fail(&health, .http(status: 400, detail: nil), now: 0, isLastUsable: false))
        _ = health.failed(failure, now: 0, isLastUsable: true)
        #expect(health.isEjected(now: 0.1))
        #expect(!fail(&health, failure, now: 0.2, isLastUsable: true), "in-flight failures do not extend an ejection")
    }
}

@Suite struct RetryBudgetTests {
    /// Retries are capped at 20 % of first attempts over 10 s, with a floor of 10 per second.
    @Test func capsRetries() {
        var budget = RetryBudget()
        for index in 0..<10_000 { budget.recordFirstAttempt(at: Double(index) / 1000) }
        var retries = 0
        while budget.allowsRetry(at: 9.99) {
            budget.recordRetry(at: 9.99)
            retries += 1
        }
        #expect(retries == 2000)
        var quiet = RetryBudget()
        var floor = 0
        while quiet.allowsRetry(at: 1) {
            quiet.recordRetry(at: 1)
            floor += 1
        }
        #expect(floor == 100)
        #expect(quiet.allowsRetry(at: 12))
    }
}
