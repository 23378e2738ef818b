import Testing
@testable import Engine

@Suite struct SchedulerTests {
    func endpoints(_ weights: [Double], maxInFlight: Int? = nil) -> [EndpointConfiguration] {
        weights.enumerated().map { EndpointConfiguration(name: "e\($0.offset)", url: EndpointURL("http://h:\($0.offset + 1)")!,
                                                          weight: $0.element, maxInFlight: maxInFlight) }
    }

    func records(_ count: Int) -> [RequestRecord] {
        (1...count).map { RequestRecord(id: "\($0)", line: $0, form: .seed, input: "p", body: .object([])) }
    }

    /// Dispatches up to the in-flight cap, then waits for a result.
    @Test func respectsInFlightCap() {
        var scheduler = Scheduler(endpoints: endpoints([1]), rate: 0, maxInFlight: 3, retryPolicy: RetryPolicy(maxAttempts: 2))
        var generator = SeededGenerator(seed: 1)
        scheduler.enqueue(records(10))
        var dispatched: [Dispatch] = []
        while case .dispatch(let dispatch) = scheduler.nextAction(now: 0) { dispatched.append(dispatch) }
        #expect(dispatched.count == 3)
        _ = scheduler.complete(dispatched[0], result: .success(ParsedAnswer(response: "x")), now: 0, using: &generator)
        guard case .dispatch = scheduler.nextAction(now: 0) else { Issue.record("no slot freed"); return }
    }

    /// The rate limiter decides when: at 10/s the next send waits about 0.1 s.
    @Test func waitsForRate() {
        var scheduler = Scheduler(endpoints: endpoints([1]), rate: 10, maxInFlight: 100, retryPolicy: RetryPolicy(maxAttempts: 1))
        var generator = SeededGenerator(seed: 1)
        scheduler.enqueue(records(5))
        guard case .dispatch = scheduler.nextAction(now: 0) else { Issue.record("first not sent"); return }
        guard case .wait(let until?) = scheduler.nextAction(now: 0) else { Issue.record("did not wait"); return }
        #expect(abs(until - 0.09) < 0.001)
    }

    /// Paused or stopping: nothing goes out; stop finishes once nothing is in flight.
    @Test func pauseAndStop() {
        var scheduler = Scheduler(endpoints: endpoints([1]), rate: 0, maxInFlight: 10, retryPolicy: RetryPolicy(maxAttempts: 1))
        var generator = SeededGenerator(seed: 1)
        scheduler.enqueue(records(3))
        scheduler.pause()
        guard case .wait(nil) = scheduler.nextAction(now: 0) else { Issue.record("sent while paused"); return }
        scheduler.resume()
        guard case .dispatch(let first) = scheduler.nextAction(now: 0) else { Issue.record("not resumed"); return }
        scheduler.stop(now: 0)
        guard case .wait = scheduler.nextAction(now: 0) else { Issue.record("sent while stopping"); return }
        _ = scheduler.complete(first, result: .failure(.http(status: 400, detail: nil)), now: 0, using: &generator)
        guard case .finished = scheduler.nextAction(now: 0) else { Issue.record("did not finish"); return }
    }

    /// A 429 with Retry-After cools its endpoint; the record goes at once to the other one, and the
    /// 429 spends no attempt (the send still counts in `number`).
    @Test func retriesElsewhereAndCools() {
        var scheduler = Scheduler(endpoints: endpoints([1, 1]), rate: 0, maxInFlight: 10, retryPolicy: RetryPolicy(maxAttempts: 3))
        var generator = SeededGenerator(seed: 1)
        scheduler.enqueue(records(1))
        scheduler.sourceDidFinish()
        guard case .dispatch(let first) = scheduler.nextAction(now: 0) else { Issue.record("not sent"); return }
        let outcome = scheduler.complete(first, result: .failure(.http(status: 429, detail: nil, retryAfter: 2)), now: 1, using: &generator)
        guard case .willRetry(_, let at) = outcome else { Issue.record("not retried"); return }
        #expect(at == 1)
        #expect(scheduler.status(of: first.endpoint, now: 1) == .cooling(seconds: 2, reason: .tooManyRequests))
        guard case .dispatch(let second) = scheduler.nextAction(now: 1) else { Issue.record("retry not sent"); return }
        #expect(second.attempt.number == 2)
        #expect(second.attempt.failures == 0)
        #expect(second.endpoint != first.endpoint)
        _ = scheduler.complete(second, result: .success(ParsedAnswer(response: "ok")), now: 1.5, using: &generator)
        guard case .finished = scheduler.nextAction(now: 1.5) else { Issue.record("not finished"); return }
    }

    /// A 5xx is retried later on the other endpoint and spends an attempt.
    @Test func serverErrorRetriesElsewhere() {
        var scheduler = Scheduler(endpoints: endpoints([1, 1]), rate: 0, maxInFlight: 10, retryPolicy: RetryPolicy(maxAttempts: 3))
        var generator = SeededGenerator(seed: 1)
        scheduler.enqueue(records(1))
        scheduler.sourceDidFinish()
        guard case .dispatch(let first) = scheduler.nextAction(now: 0) else { Issue.record("not sent"); return }
        let outcome = scheduler.complete(first, result: .failure(.http(status: 500, detail: nil, retryAfter: 2)), now: 1, using: &generator)
        guard case .willRetry(_, let at) = outcome else { Issue.record("not retried"); return }
        #expect(at == 3)
        guard case .wait(let until) = scheduler.nextAction(now: 1) else { Issue.record("retry sent early"); return }
        #expect(until == 3)
        guard case .dispatch(let second) = scheduler.nextAction(now: 3) else { Issue.record("retry not sent"); return }
        #expect(second.attempt.failures == 1)
        #expect(second.endpoint != first.endpoint)
    }

    /// When every endpoint is cooling, records wait for the earliest cooldown to end without burning attempts.
    @Test func waitsForCooldown() {
        var scheduler = Scheduler(endpoints: endpoints([1, 1]), rate: 0, maxInFlight: 10, retryPolicy: RetryPolicy(maxAttempts: 3))
        var generator = SeededGenerator(seed: 1)
        scheduler.enqueue(records(2))
        scheduler.cool(0, until: 5, reason: .tooManyRequests)
        scheduler.cool(1, until: 4, reason: .tooManyRequests)
        guard case .wait(let until) = scheduler.nextAction(now: 0) else { Issue.record("sent to a cooling endpoint"); return }
        #expect(until == 4)
        guard case .dispatch(let dispatch) = scheduler.nextAction(now: 4) else { Issue.record("not sent"); return }
        #expect(dispatch.endpoint == 1 && dispatch.attempt.number == 1)
    }

    /// An endpoint's own max_in_flight sends the overflow to the others.
    @Test func perEndpointCap() {
        var scheduler = Scheduler(endpoints: endpoints([5, 1], maxInFlight: 2), rate: 0, maxInFlight: 100, retryPolicy: RetryPolicy(maxAttempts: 1))
        var generator = SeededGenerator(seed: 1)
        scheduler.enqueue(records(10))
        var perEndpoint = [0, 0]
        while case .dispatch(let dispatch) = scheduler.nextAction(now: 0) { perEndpoint[dispatch.endpoint] += 1 }
        #expect(perEndpoint == [2, 2])
    }

    /// After a stop, requests in flight get the drain timeout, then are abandoned.
    @Test func drainTimeout() {
        var scheduler = Scheduler(endpoints: endpoints([1]), rate: 0, maxInFlight: 10, retryPolicy: RetryPolicy(maxAttempts: 1), drainTimeout: 2)
        var generator = SeededGenerator(seed: 1)
        scheduler.enqueue(records(3))
        guard case .dispatch = scheduler.nextAction(now: 0) else { Issue.record("not sent"); return }
        scheduler.stop(now: 1)
        guard case .wait(let until) = scheduler.nextAction(now: 1) else { Issue.record("did not wait"); return }
        #expect(until == 3)
        guard case .abandonInFlight = scheduler.nextAction(now: 3) else { Issue.record("not abandoned"); return }
    }

    /// An endpoint ejected after consecutive failures gets no traffic until its cooldown ends.
    @Test func ejectedEndpointIsSkipped() {
        var scheduler = Scheduler(endpoints: endpoints([1, 1]), rate: 0, maxInFlight: 100, retryPolicy: RetryPolicy(maxAttempts: 1), ejectAfter: 2)
        var generator = SeededGenerator(seed: 1)
        scheduler.enqueue(records(20))
        var toZero: [Dispatch] = []
        while toZero.count < 2, case .dispatch(let dispatch) = scheduler.nextAction(now: 0) {
            if dispatch.endpoint == 0 { toZero.append(dispatch) }
        }
        for dispatch in toZero { _ = scheduler.complete(dispatch, result: .failure(.connect("refused")), now: 0, using: &generator) }
        #expect(scheduler.status(of: 0, now: 0.5) == .ejected(seconds: 0.5))
        while case .dispatch(let dispatch) = scheduler.nextAction(now: 0.5) { #expect(dispatch.endpoint == 1) }
    }

    /// An endpoint's own request limit sends the overflow to the other endpoint instead of waiting.
    @Test func endpointLimitSkipsToAnother() {
        var list = endpoints([1, 1])
        list[0].requestsPerSecond = 1
        var scheduler = Scheduler(endpoints: list, rate: 0, maxInFlight: 100, retryPolicy: RetryPolicy(maxAttempts: 1))
        var generator = SeededGenerator(seed: 1)
        scheduler.enqueue(records(6))
        var sentTo: [Int] = []
        while case .dispatch(let dispatch) = scheduler.nextAction(now: 0) { sentTo.append(dispatch.endpoint) }
        #expect(sentTo.filter { $0 == 0 }.count == 1 && sentTo.filter { $0 == 1 }.count == 5)
    }

    /// When every endpoint's own limit is spent, the scheduler waits until the first frees up.
    @Test func waitsForEndpointLimits() {
        var list = endpoints([1])
        list[0].requestsPerSecond = 2
        var scheduler = Scheduler(endpoints: list, rate: 0, maxInFlight: 100, retryPolicy: RetryPolicy(maxAttempts: 1))
        var generator = SeededGenerator(seed: 1)
        scheduler.enqueue(records(3))
        guard case .dispatch = scheduler.nextAction(now: 0) else { Issue.record("first not sent"); return }
        guard case .wait(let until?) = scheduler.nextAction(now: 0) else { Issue.record("did not wait"); return }
        #expect(abs(until - 0.49) < 0.001)
    }

    /// The run's tokens per minute pace requests by their estimates and reconcile with reported usage.
    @Test func tokensPerMinutePaceRequests() {
        var scheduler = Scheduler(endpoints: endpoints([1]), rate: 0, maxInFlight: 100, retryPolicy: RetryPolicy(maxAttempts: 1),
                                  tokensPerMinute: 600)
        var generator = SeededGenerator(seed: 1)
        // 40 characters: 10 tokens each, a second's worth at 600 per minute.
        scheduler.enqueue((1...3).map { RequestRecord(id: "\($0)", line: $0, form: .seed, input: "p",
                                                      body: .object([JSONField("prompt", .string(String(repeating: "x", count: 40)))])) })
        guard case .dispatch(let first) = scheduler.nextAction(now: 0) else { Issue.record("first not sent"); return }
        guard case .wait(let until?) = scheduler.nextAction(now: 0) else { Issue.record("did not wait"); return }
        #expect(until == 1)
        var answer = ParsedAnswer(response: "x", usage: .object([JSONField("total_tokens", 30)]))
        answer.status = 200
        _ = scheduler.complete(first, result: .success(answer), now: 0.5, using: &generator)
        guard case .wait(let later?) = scheduler.nextAction(now: 0.5) else { Issue.record("did not wait"); return }
        #expect(later == 3)
    }

    /// Rate-limit headers saying the allowance is used up by what is in flight cool the endpoint
    /// until the reset; plenty left changes nothing.
    @Test func providerHeadersCoolTheEndpoint() {
        var scheduler = Scheduler(endpoints: endpoints([1, 1]), rate: 0, maxInFlight: 100, retryPolicy: RetryPolicy(maxAttempts: 1))
        var generator = SeededGenerator(seed: 1)
        scheduler.enqueue(records(10))
        var dispatched: [Dispatch] = []
        for _ in 0..<4 { if case .dispatch(let dispatch) = scheduler.nextAction(now: 0) { dispatched.append(dispatch) } }
        let toFirst = dispatched.filter { $0.endpoint == 0 }
        _ = scheduler.complete(toFirst[0], result: .success(ParsedAnswer(response: "x")),
                               limits: ProviderRateLimits(remainingRequests: 500, resetRequests: 1), now: 0, using: &generator)
        #expect(scheduler.status(of: 0, now: 0) == .ready)
        _ = scheduler.complete(toFirst[1], result: .success(ParsedAnswer(response: "x")),
                               limits: ProviderRateLimits(remainingRequests: 0, resetRequests: 2), now: 0, using: &generator)
        #expect(scheduler.status(of: 0, now: 0) == .cooling(seconds: 2, reason: .providerLimit))
        #expect(scheduler.providerLimits(0)?.remainingRequests == 0)
        guard case .dispatch(let next) = scheduler.nextAction(now: 0) else { Issue.record("nothing sent"); return }
        #expect(next.endpoint == 1)
    }

    /// A server that refuses every request unprocessed (REFUSED_STREAM): each resend spends no attempt
    /// but goes through the limiter with a growing wait, so sends stay within the rate, and after
    /// the free resends the refusals count as attempts and the records end.
    @Test func refusedResendsArePaced() {
        let scheduler = Scheduler(endpoints: SchedulerSimulation.endpoints(1), rate: 2, maxInFlight: 64,
                                  retryPolicy: RetryPolicy(maxAttempts: 2), learnsLimits: false)
        var simulation = SchedulerSimulation(scheduler: scheduler)
        simulation.scheduler.enqueue(SchedulerSimulation.records(10))
        simulation.scheduler.sourceDidFinish()
        var sendTimes: [Double] = []
        simulation.run(for: 600) { endpoint, now in
            sendTimes.append(now)
            return (now + 0.01, .failure(.refused), nil)
        }
        let span = (sendTimes.last ?? 0) - (sendTimes.first ?? 0)
        #expect(sendTimes.count == 10 * (Scheduler.freeResends + 2), "\(sendTimes.count) sends")
        #expect(Double(sendTimes.count) <= span * 2 + 2, "\(sendTimes.count) sends in \(span) s")
        #expect(simulation.failed.count == 10 && simulation.failed.allSatisfy(\.isRefused))
    }

    /// `max_in_flight auto` at run time lifts the global cap; endpoints without a fixed cap start finding their own.
    @Test func autoAtRunTime() {
        var fixed = endpoints([1, 1])
        fixed[1].maxInFlight = 5
        var scheduler = Scheduler(endpoints: fixed, rate: 0, maxInFlight: 3, retryPolicy: RetryPolicy(maxAttempts: 1))
        #expect(!scheduler.inFlightIsAuto && scheduler.slots.allSatisfy { $0.concurrency == nil })
        scheduler.setMaxInFlightAuto(now: 1)
        #expect(scheduler.inFlightIsAuto && scheduler.maxInFlight > 3)
        #expect(scheduler.slots[0].limits.capIsAuto && !scheduler.slots[1].limits.capIsAuto)
        #expect(scheduler.slots[1].cap == 5)
        scheduler.setMaxInFlight(10)
        #expect(!scheduler.inFlightIsAuto && scheduler.maxInFlight == 10)
    }
}
