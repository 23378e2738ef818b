import Testing
@testable import Engine

@Suite struct ProviderRateLimitsTests {
    /// Durations as providers write them.
    @Test func parsesDurations() {
        #expect(ProviderRateLimits.duration("12ms") == 0.012)
        #expect(ProviderRateLimits.duration("1s") == 1)
        #expect(ProviderRateLimits.duration("6m0s") == 360)
        #expect(ProviderRateLimits.duration("1h2m3.5s") == 3723.5)
        #expect(ProviderRateLimits.duration("2.5") == 2.5)
        #expect(ProviderRateLimits.duration("soon") == nil)
        #expect(ProviderRateLimits.duration("5x") == nil)
        #expect(ProviderRateLimits.duration("") == nil)
    }

    /// The four headers are read; none of them means nil.
    @Test func readsHeaders() {
        let limits = ProviderRateLimits(headers: [HeaderField("x-ratelimit-remaining-requests", "7"), HeaderField("x-ratelimit-remaining-tokens", "900"),
                                                  HeaderField("x-ratelimit-reset-requests", "120ms"), HeaderField("x-ratelimit-reset-tokens", "6m0s")])
        #expect(limits == ProviderRateLimits(remainingRequests: 7, remainingTokens: 900, resetRequests: 0.12, resetTokens: 360))
        #expect(ProviderRateLimits(headers: [HeaderField("content-type", "application/json")]) == nil)
        #expect(ProviderRateLimits(headers: [HeaderField("x-ratelimit-limit-requests", "120")])?.limitRequests == 120)
    }
}

@Suite struct AllowanceWindowTests {
    /// A per-minute allowance paced over its minute is left at a minute.
    @Test func minuteStays() {
        var window = AllowanceWindow()
        for index in 0..<240 { window.observe(limit: 120, remaining: 119 - index % 120, sentAt: Double(index) * 0.5, inFlight: 0) }
        #expect(window.length == 60)
    }

    /// Answers that each find the allowance untouched halve the assumed window; a remaining that
    /// grows back measures it.
    @Test func findsShorterWindows() {
        var window = AllowanceWindow()
        window.observe(limit: 20, remaining: 19, sentAt: 0, inFlight: 0)
        window.observe(limit: 20, remaining: 19, sentAt: 3, inFlight: 0)
        #expect(window.length == 30)
        // Within a 2 s window, remaining falls, then grows back at each new window.
        var time = 10.0
        for _ in 0..<3 {
            for left in stride(from: 19, through: 0, by: -1) {
                window.observe(limit: 20, remaining: left, sentAt: time, inFlight: 0)
                time += 0.1
            }
        }
        #expect(abs(window.length - 2) < 0.2)
    }

    /// Requests on several connections reach the server in another order than they were sent: a
    /// `remaining` one higher than the last, with others in flight, is not a new window.
    @Test func reorderingIsNotAWindow() {
        var window = AllowanceWindow()
        window.observe(limit: 120, remaining: 117, sentAt: 0.001, inFlight: 7)
        window.observe(limit: 120, remaining: 119, sentAt: 0.002, inFlight: 6)
        window.observe(limit: 120, remaining: 116, sentAt: 0.003, inFlight: 5)
        window.observe(limit: 120, remaining: 118, sentAt: 0.004, inFlight: 4)
        #expect(window.length == 60)
    }
}

@Suite struct LearnedRateTests {
    /// The first 429 halves the rate in force and pauses 1 s; further 429s double the pause only;
    /// 429s for requests sent before the cut are ignored; a success resets the pause.
    @Test func cutsAndPauses() {
        var rate = LearnedRate(configured: 100)
        for step in 0..<100 { rate.admit(now: Double(step) / 100) }
        #expect(rate.rateLimited(sentAt: 0.5, now: 1, retryAfter: nil) == 1)
        #expect(rate.rate == 50 && rate.source == .learned)
        #expect(rate.rateLimited(sentAt: 0.9, now: 1.01, retryAfter: nil) == nil)
        #expect(rate.rateLimited(sentAt: 2, now: 2.01, retryAfter: nil) == 2)
        #expect(rate.rateLimited(sentAt: 4, now: 4.01, retryAfter: 7) == 7)
        #expect(rate.rate == 50)
        rate.succeeded(now: 5, isHeldBack: false)
        #expect(rate.rateLimited(sentAt: 5, now: 5.01, retryAfter: nil) == 1)
    }

    /// While held back, a learned rate rises by 1 % of twice its cut level per second, back to the
    /// configured limit; not while nothing waits.
    @Test func risesWhileHeldBack() {
        var rate = LearnedRate(configured: 100)
        _ = rate.rateLimited(sentAt: 0, now: 0, retryAfter: nil)
        #expect(rate.rate == 50)
        rate.succeeded(now: 2, isHeldBack: true)
        #expect(rate.rate == 52)
        rate.succeeded(now: 4, isHeldBack: false)
        #expect(rate.rate == 52)
        var now = 4.0
        while rate.source == .learned && now < 200 {
            now += 1
            rate.succeeded(now: now, isHeldBack: true)
        }
        #expect(rate.rate == 100 && rate.source == .configured)
    }

    /// Learning off: 429s pause but never cut, headers never set a rate.
    @Test func learningOff() {
        var rate = LearnedRate(configured: nil, isLearning: false)
        #expect(rate.rateLimited(sentAt: 0, now: 0, retryAfter: nil) == 1)
        rate.announce(120, per: 60, now: 0)
        #expect(rate.rate == nil)
    }

    /// A 429 before any answer, with no rate in force, pauses but learns nothing (no rate from a burst).
    @Test func learnsNothingBeforeAnAnswer() {
        var rate = LearnedRate(configured: nil)
        for step in 0..<340 { rate.admit(now: Double(step) / 340) }
        #expect(rate.rateLimited(sentAt: 0.9, now: 1, retryAfter: nil) == 1)
        #expect(rate.rate == nil && rate.source == nil)
        rate.succeeded(now: 3, isHeldBack: false)
        for step in 0..<10 { rate.admit(now: 3 + Double(step) / 10) }
        _ = rate.rateLimited(sentAt: 3.9, now: 4, retryAfter: nil)
        #expect(rate.source == .learned)
    }

    /// After a 429 contradicted `remaining` (LiteLLM's constant header), the scheduler no longer
    /// measures the window from it: the limit is paced over the assumed minute, and stays so.
    @Test func distrustsHeadersThatA429Contradicts() {
        var scheduler = Scheduler(endpoints: SchedulerSimulation.endpoints(1), rate: 0, maxInFlight: 8,
                                  retryPolicy: RetryPolicy(maxAttempts: 3))
        scheduler.enqueue(SchedulerSimulation.records(50))
        var generator = SeededGenerator(seed: 1)
        var now = 0.0
        var dispatches: [Dispatch] = []
        for _ in 0..<4 {
            if case .dispatch(let dispatch) = scheduler.nextAction(now: now) { dispatches.append(dispatch) }
            now += 0.01
        }
        let lying = ProviderRateLimits(limitRequests: 120, remainingRequests: 120)
        for dispatch in dispatches.prefix(3) {
            _ = scheduler.complete(dispatch, result: .success(ParsedAnswer(response: "ok")), limits: lying, now: now, using: &generator)
            now += 0.01
        }
        #expect(scheduler.limits(of: 0).rate.map { $0 > 2 } == true)
        _ = scheduler.complete(dispatches[3], result: .failure(.http(status: 429, detail: "limit")), now: now, using: &generator)
        #expect(scheduler.limits(of: 0).headersDistrusted)
        let perSecond = 120.0 / 60 * LearnedRate.announcedShare
        #expect(abs((scheduler.limits(of: 0).rate ?? 0) - perSecond) < 1e-9)
    }

    /// With many in flight, a `remaining` that never goes down is still distrusted after two 429s,
    /// even when answers repeating it arrive between them (LiteLLM on a slow machine, or across its
    /// minute's boundary): they say nothing new, so they do not clear the count.
    @Test func repeatedHeadersDoNotClearRefusals() {
        var scheduler = Scheduler(endpoints: SchedulerSimulation.endpoints(1), rate: 0, maxInFlight: 400,
                                  retryPolicy: RetryPolicy(maxAttempts: 3))
        scheduler.enqueue(SchedulerSimulation.records(300))
        var generator = SeededGenerator(seed: 1)
        var now = 0.0
        var dispatches: [Dispatch] = []
        for _ in 0..<300 {
            if case .dispatch(let dispatch) = scheduler.nextAction(now: now) { dispatches.append(dispatch) }
            now += 0.001
        }
        let lying = ProviderRateLimits(limitRequests: 120, remainingRequests: 120)
        for dispatch in dispatches.prefix(2) {
            _ = scheduler.complete(dispatch, result: .success(ParsedAnswer(response: "ok")), limits: lying, now: now, using: &generator)
        }
        // 429, answer, 429, answer, 429: in flight stays above the claimed 120 throughout.
        for (index, dispatch) in dispatches[2..<7].enumerated() {
            now += 0.01
            if index % 2 == 0 {
                _ = scheduler.complete(dispatch, result: .failure(.http(status: 429, detail: "limit")), now: now, using: &generator)
            } else {
                _ = scheduler.complete(dispatch, result: .success(ParsedAnswer(response: "ok")), limits: lying, now: now, using: &generator)
            }
        }
        #expect(scheduler.limits(of: 0).headersDistrusted)
        #expect(scheduler.limits(of: 0).rate.map { $0 <= 2 } == true)
    }
}
