import Testing
@testable import Engine

/// Endpoints whose limits nobody wrote down: 429s spend no attempt, rates and caps are learned.
@Suite struct LearnedLimitsTests {
    typealias Simulation = SchedulerSimulation

    func scheduler(endpoints: Int = 1, rate: Double = Defaults.rate, maxInFlight: Int? = Defaults.maxInFlight,
                   patience: Double = Defaults.rateLimitPatience, learns: Bool = true) -> Scheduler {
        Scheduler(endpoints: Simulation.endpoints(endpoints), rate: rate, maxInFlight: maxInFlight,
                  retryPolicy: RetryPolicy(maxAttempts: Defaults.maxAttempts), rateLimitPatience: patience, learnsLimits: learns)
    }

    /// 300 records at default settings through a proxy allowing 120 requests a minute in fixed
    /// windows, answering 429 without Retry-After.
    func throughPerMinuteProxy(sendsHeaders: Bool) -> Simulation {
        var simulation = Simulation(scheduler: scheduler())
        simulation.scheduler.enqueue(Simulation.records(300))
        simulation.scheduler.sourceDidFinish()
        var proxy = WindowedProxy(limit: 120, window: 60, sendsHeaders: sendsHeaders)
        simulation.run(for: 900) { _, now in proxy.answer(now: now) }
        return simulation
    }

    /// The proxy, with limit and remaining headers but no reset: all 300 records are saved,
    /// none fails, at most one 429 per record on average, within 4 minutes.
    @Test func perMinuteProxyWithHeaders() {
        let simulation = throughPerMinuteProxy(sendsHeaders: true)
        #expect(simulation.succeeded == 300 && simulation.failed.isEmpty)
        #expect(simulation.rateLimited <= 300, "\(simulation.rateLimited) 429s")
        #expect((simulation.finishedAt ?? .infinity) <= 240, "finished at \(simulation.finishedAt ?? -1)")
        #expect(simulation.scheduler.limits(of: 0).rateSource == .headers)
    }

    /// LiteLLM 1.80 with rpm 120: a rolling minute, no Retry-After, and a `remaining` header that
    /// never goes down. The 429 outranks the header, which is distrusted: all 300 saved, at most one
    /// 429 per record, within 4 minutes.
    @Test func headersThatLie() {
        var simulation = Simulation(scheduler: scheduler())
        simulation.scheduler.enqueue(Simulation.records(300))
        simulation.scheduler.sourceDidFinish()
        var proxy = RollingWindowProxy(limit: 120, window: 60)
        simulation.run(for: 900) { _, now in proxy.answer(now: now) }
        #expect(simulation.succeeded == 300 && simulation.failed.isEmpty)
        #expect(simulation.rateLimited <= 300, "\(simulation.rateLimited) 429s")
        #expect((simulation.finishedAt ?? .infinity) <= 240, "finished at \(simulation.finishedAt ?? -1)")
        #expect(simulation.scheduler.limits(of: 0).headersDistrusted)
    }

    /// LiteLLM as it behaves on a slow machine (a count that lags its answers, clock-minute windows
    /// at any phase, answers between the 429s that repeat the lying header): the header is still
    /// distrusted after two 429s, and 300 records meet at most 300 429s, whatever the phase.
    @Test(arguments: [0.0, 20, 40, 55, 59.5])
    func headersThatLieOnASlowProxy(phase: Double) {
        var simulation = Simulation(scheduler: scheduler())
        simulation.scheduler.enqueue(Simulation.records(300))
        simulation.scheduler.sourceDidFinish()
        var proxy = LaggingMinuteProxy(limit: 120, latency: 0.4, phase: phase)
        simulation.run(for: 900) { _, now in proxy.answer(now: now) }
        #expect(simulation.succeeded == 300 && simulation.failed.isEmpty)
        #expect(simulation.rateLimited <= 300, "\(simulation.rateLimited) 429s at phase \(phase)")
        #expect(simulation.scheduler.limits(of: 0).headersDistrusted)
    }

    /// The same proxy without any header: the rate is learned from 429s alone (AIMD with a growing
    /// pause); nothing fails, and 429s stay under one per record.
    @Test func perMinuteProxyWithoutHeaders() {
        let simulation = throughPerMinuteProxy(sendsHeaders: false)
        #expect(simulation.succeeded == 300 && simulation.failed.isEmpty)
        #expect(simulation.rateLimited <= 300, "\(simulation.rateLimited) 429s")
        #expect((simulation.finishedAt ?? .infinity) <= 360, "finished at \(simulation.finishedAt ?? -1)")
        #expect(simulation.scheduler.limits(of: 0).rateSource == .learned)
    }

    /// A steady limit (a token bucket of 50 requests per second, no headers), with no rate set and
    /// 1,024 in flight: after the first burst is learned from, 429s stay under 2 % of sends while
    /// the rate probes upward, and throughput stays near the limit.
    @Test func steadyLimitKeepsFewRefusals() {
        var simulation = Simulation(scheduler: scheduler(rate: 0))
        simulation.scheduler.enqueue(Simulation.records(30_000))
        simulation.scheduler.sourceDidFinish()
        var bucket = 50.0
        var last = 0.0
        var atMinute: (sent: Int, refused: Int)?
        simulation.run(for: 600, tick: { sim in
            if sim.now >= 60, atMinute == nil { atMinute = (sim.sent[0], sim.rateLimited) }
        }) { _, now in
            bucket = min(50, bucket + (now - last) * 50)
            last = now
            guard bucket >= 1 else { return (now + 0.01, .failure(.http(status: 429, detail: nil)), nil) }
            bucket -= 1
            return (now + 0.01, .success(ParsedAnswer(response: "ok")), nil)
        }
        #expect(simulation.failed.isEmpty)
        let (sent, refused) = atMinute ?? (0, 0)
        let share = Double(simulation.rateLimited - refused) / Double(simulation.sent[0] - sent)
        #expect(share < 0.02, "429s were \(share * 100) % of sends after the first minute")
        #expect(simulation.throughput(in: 60...590) > 40)
        #expect(simulation.scheduler.limits(of: 0).rateSource == .learned)
    }

    /// `insufficient_quota` is not about rate and fails no record: sends to that endpoint stop at
    /// once, and with no endpoint left the run stops with the records unsent.
    @Test func quotaStopsSendsAndLeavesRecordsUnsent() {
        var simulation = Simulation(scheduler: scheduler(maxInFlight: 1))
        simulation.scheduler.enqueue(Simulation.records(3))
        simulation.scheduler.sourceDidFinish()
        simulation.run(for: 60) { _, now in
            (now + 0.01, .failure(.http(status: 429, detail: "You exceeded your current quota", code: "insufficient_quota")), nil)
        }
        #expect(simulation.failed.isEmpty && simulation.succeeded == 0)
        #expect(simulation.sent[0] == 1)
        #expect(simulation.scheduler.spending.stop == .providerFunds)
        #expect(simulation.scheduler.status(of: 0, now: simulation.now) == .outOfFunds)
        #expect(simulation.scheduler.pendingRetryCount + simulation.scheduler.bufferedCount == 3)
    }

    /// With a second endpoint that has money, every record is answered there and none fails.
    @Test func quotaSendsTheRestElsewhere() {
        var simulation = Simulation(scheduler: scheduler(endpoints: 2))
        simulation.scheduler.enqueue(Simulation.records(20))
        simulation.scheduler.sourceDidFinish()
        simulation.run(for: 60) { endpoint, now in
            endpoint == 0 ? (now + 0.01, .failure(.http(status: 400, detail: "Your credit balance is too low to access the Anthropic API.", type: "invalid_request_error")), nil)
                : (now + 0.01, .success(ParsedAnswer(response: "ok")), nil)
        }
        #expect(simulation.succeeded == 20 && simulation.failed.isEmpty)
        #expect(simulation.sent[0] == 1)
        #expect(simulation.scheduler.spending.stop == nil)
    }

    /// A record that meets nothing but 429s fails once it has met them for the patience, not after
    /// `--max_attempts` sends; with patience 0 a 429 is a failed attempt as before.
    @Test func patienceBoundsRateLimitedRecords() {
        var patient = Simulation(scheduler: scheduler(patience: 600))
        patient.scheduler.enqueue(Simulation.records(1))
        patient.scheduler.sourceDidFinish()
        patient.run(for: 1200) { _, now in (now + 0.01, .failure(.http(status: 429, detail: nil)), nil) }
        #expect(patient.failed.count == 1)
        #expect(patient.sent[0] > Defaults.maxAttempts)
        #expect((patient.finishedAt ?? 0) >= 600 && (patient.finishedAt ?? .infinity) < 700)

        var counted = Simulation(scheduler: scheduler(patience: 0))
        counted.scheduler.enqueue(Simulation.records(1))
        counted.scheduler.sourceDidFinish()
        counted.run(for: 600) { _, now in (now + 0.01, .failure(.http(status: 429, detail: nil)), nil) }
        #expect(counted.failed.count == 1)
        #expect(counted.sent[0] == Defaults.maxAttempts)
    }

    /// An endpoint whose headers name a reset is held by them: a 429 there pauses it but cuts no rate.
    @Test func resetHeadersGovern() {
        var simulation = Simulation(scheduler: scheduler())
        simulation.scheduler.enqueue(Simulation.records(2))
        simulation.scheduler.sourceDidFinish()
        var answered = 0
        simulation.run(for: 60) { _, now in
            answered += 1
            let limits = ProviderRateLimits(limitRequests: 300, remainingRequests: 10, resetRequests: 0.5)
            if answered == 2 { return (now + 0.01, .failure(.http(status: 429, detail: nil, retryAfter: 1)), limits) }
            return (now + 0.01, .success(ParsedAnswer(response: "ok")), limits)
        }
        #expect(simulation.succeeded == 2 && simulation.rateLimited == 1)
        #expect(simulation.scheduler.limits(of: 0).rate == nil)
    }

    /// With learning off, a 429 still spends no attempt, but the endpoint's rate is never cut.
    @Test func learningOff() {
        var simulation = Simulation(scheduler: scheduler(learns: false))
        simulation.scheduler.enqueue(Simulation.records(50))
        simulation.scheduler.sourceDidFinish()
        var proxy = WindowedProxy(limit: 20, window: 1, sendsHeaders: true)
        simulation.run(for: 60) { _, now in proxy.answer(now: now) }
        #expect(simulation.succeeded == 50)
        #expect(simulation.scheduler.limits(of: 0).rate == nil)
    }
}
