import Testing
@testable import Engine

/// `--max_cost` in the scheduler: reserve the worst case, never pass the cap, stop with the rest unsent.
@Suite struct SchedulerCostTests {
    typealias Simulation = SchedulerSimulation

    /// Answers with fixed usage: the prompt's whole bound (56 tokens) and 10 completion tokens, $0.076 each at the test price.
    static let answer = ParsedAnswer(response: "ok", usage: .object([JSONField("prompt_tokens", 56), JSONField("completion_tokens", 10)]))

    func scheduler(cap: Double?, spentBefore: Double = 0, maxInFlight: Int = 4) -> Scheduler {
        let cost = CostConfiguration(prices: PriceTable(overrides: ["m": ModelPrice(input: 0.001, output: 0.002)], includesBuiltIn: false),
                                     cap: cap, spentBefore: spentBefore)
        return Scheduler(endpoints: Simulation.endpoints(2), rate: 0, maxInFlight: maxInFlight,
                         retryPolicy: RetryPolicy(maxAttempts: 3), cost: cost)
    }

    /// Records whose worst case (a 20-byte prompt: a bound of 56 tokens, max_tokens 10) is exactly their cost.
    static func records(_ count: Int) -> [RequestRecord] {
        (1...count).map { SpendingTests.record(prompt: String(repeating: "x", count: 20), maxTokens: 10).with(id: $0) }
    }

    /// A cap that allows exactly 8 answers: 8 are saved, none fails, spend never passes the cap,
    /// and the rest stay unsent with the stop said.
    @Test func capAllowsExactlyN() {
        var simulation = Simulation(scheduler: scheduler(cap: 0.608))
        simulation.scheduler.enqueue(Self.records(20))
        simulation.scheduler.sourceDidFinish()
        var highest = 0.0
        simulation.run(for: 60, tick: { simulation in
            let spend = simulation.scheduler.spending.cap
            highest = max(highest, spend.spent + spend.reserved)
        }) { _, now in (now + 0.05, .success(Self.answer), nil) }
        #expect(simulation.succeeded == 8 && simulation.failed.isEmpty)
        #expect(highest <= 0.608 + 1e-9)
        #expect(simulation.scheduler.spending.stop == .cap)
        #expect(simulation.scheduler.bufferedCount == 12)
        #expect(simulation.costs.allSatisfy { abs(($0 ?? 0) - 0.076) < 1e-12 })
    }

    /// What earlier runs recorded counts: the same cap again sends nothing; a higher one continues.
    @Test func rerunsCountRecordedSpend() {
        var same = Simulation(scheduler: scheduler(cap: 0.608, spentBefore: 0.608))
        same.scheduler.enqueue(Self.records(12))
        same.scheduler.sourceDidFinish()
        same.run(for: 60) { _, now in (now + 0.05, .success(Self.answer), nil) }
        #expect(same.sent.reduce(0, +) == 0 && same.scheduler.spending.stop == .cap)
        var higher = Simulation(scheduler: scheduler(cap: 0.912, spentBefore: 0.608))
        higher.scheduler.enqueue(Self.records(12))
        higher.scheduler.sourceDidFinish()
        higher.run(for: 60) { _, now in (now + 0.05, .success(Self.answer), nil) }
        #expect(higher.succeeded == 4 && higher.scheduler.spending.cap.spent <= 0.912 + 1e-9)
    }

    /// Without a cap nothing is held back and every answer is priced.
    @Test func uncappedSpendIsCounted() {
        var simulation = Simulation(scheduler: scheduler(cap: nil))
        simulation.scheduler.enqueue(Self.records(20))
        simulation.scheduler.sourceDidFinish()
        simulation.run(for: 60) { _, now in (now + 0.05, .success(Self.answer), nil) }
        #expect(simulation.succeeded == 20 && simulation.scheduler.spending.stop == nil)
        #expect(abs(simulation.scheduler.spending.cap.spent - 1.52) < 1e-9)
        #expect(abs(simulation.scheduler.spending.byEndpoint.reduce(0, +) - 1.52) < 1e-9)
    }

    /// An answer reporting more prompt tokens than the prompt's bytes allow (a server that
    /// over-reports) stops sending: the cap is passed by at most what was in flight.
    @Test func overReportedPromptStops() {
        var simulation = Simulation(scheduler: scheduler(cap: 1, maxInFlight: 2))
        simulation.scheduler.enqueue(Self.records(100))
        simulation.scheduler.sourceDidFinish()
        let heavy = ParsedAnswer(response: "ok", usage: .object([JSONField("prompt_tokens", 200), JSONField("completion_tokens", 10)]))
        simulation.run(for: 60) { _, now in (now + 0.05, .success(heavy), nil) }
        #expect(simulation.scheduler.spending.stop == .cap && simulation.scheduler.spending.overReported?.tokens == 200)
        #expect(simulation.succeeded == 2)
    }
}

extension RequestRecord {
    /// This record under another id and line.
    func with(id number: Int) -> RequestRecord {
        RequestRecord(id: "\(number)", line: number, form: form, input: input, body: body)
    }
}
