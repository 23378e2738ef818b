import Testing
@testable import Engine

@Suite struct TokenLimiterTests {
    /// A fresh run spends at most 1/60 of the minute's budget, plus one request, in its first second.
    @Test func noFullMinuteBurstAtStart() {
        var limiter = TokenLimiter(perMinute: 6000)
        var spent = 0
        var now = 0.0
        while now < 1 {
            let next = limiter.earliestAdmission(now: now)
            if next > now { now = next; continue }
            limiter.admit(tokens: 30, now: now)
            spent += 30
        }
        #expect(spent <= 6000 / 60 + 30)
        #expect(spent >= 6000 / 60)
    }

    /// Over a minute the admitted tokens match the budget.
    @Test func holdsTheRateOverAMinute() {
        var limiter = TokenLimiter(perMinute: 12_000)
        var spent = 0
        var now = 0.0
        while true {
            let next = limiter.earliestAdmission(now: now)
            if next >= 60 { break }
            now = next
            limiter.admit(tokens: 50, now: now)
            spent += 50
        }
        #expect(abs(spent - 12_000) <= 50)
    }

    /// Usage above the estimate pushes the next admission later; below it, earlier.
    @Test func reconcilesWithUsage() {
        var limiter = TokenLimiter(perMinute: 600)
        limiter.admit(tokens: 10, now: 0)
        #expect(limiter.earliestAdmission(now: 0) == 1)
        limiter.reconcile(estimated: 10, actual: 20)
        #expect(limiter.earliestAdmission(now: 0.5) == 2)
        limiter.reconcile(estimated: 20, actual: 5)
        #expect(limiter.earliestAdmission(now: 0.5) == 0.5)
    }

    /// 0 tokens per minute never holds anything back.
    @Test func zeroIsUnlimited() {
        var limiter = TokenLimiter(perMinute: 0)
        limiter.admit(tokens: 1_000_000, now: 0)
        #expect(limiter.earliestAdmission(now: 0) == 0 && !limiter.isLimited)
    }
}
