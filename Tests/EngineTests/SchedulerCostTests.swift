import Testing
@testable import Engine

/// `--max_cost` in the scheduler: reserve the worst case, never pass the cap, stop with the rest unsent.
@Suite struct SchedulerCostTests {
    typealias Simulation = SchedulerSimulation

    /// Answers with fixed usage: 5 prompt and 10 completion tokens, $0.025 each at the test price.
    static let answer = ParsedAnswer(response: "ok", usage: .object([JSONField("prompt_tokens", 5), JSONField("completion_tokens", 10)]))

    func scheduler(cap: Double?, spentBefore: Double = 0, maxInFlight: Int = 4) -> Scheduler {
        let cost = CostConfiguration(prices: PriceTable(overrides: ["m": ModelPrice(input: 0.001, output: 0.002)], includesBuiltIn: false),
                                     cap: cap, spentBefore: spentBefore)
        return Scheduler(endpoints: Simulation.endpoints(2), rate: 0, maxInFlight: maxInFlight,
                         retryPolicy: RetryPolicy(maxAttempts: 3), cost: cost)
    }

    /// Records whose worst case (a 20-character prompt: 5 tokens, max_tokens 10) is exactly their cost.
    static func records(_ count: Int) -> [RequestRecord] {
        (1...count).map { SpendingTests.record(prompt: String(repeating: "x", count: 20), maxTokens: 10).with(id: $0) }
    }

    /// A cap that allows exactly 8 answers: 8 are saved, none fails, spend never passes the cap,
    /// and the rest stay unsent with the stop said.
    @Test func capAllowsExactlyN() {
        var simulation = Simulation(scheduler: scheduler(cap: 0.2))
        simulation.scheduler.enqueue(Self.records(20))
        simulation.scheduler.sourceDidFinish()
        var highest = 0.0
        simulation.run(for: 60, tick: { simulation in
            let spend = simulation.scheduler.spending.cap
            highest = max(highest, spend.spent + spend.reserved)
        }) { _, now in (now + 0.05, .success(Self.answer), nil) }
        #expect(simulation.succeeded == 8 && simulation.failed.isEmpty)
        #expect(highest <= 0.2 + 1e-9)
        #expect(simulation.scheduler.spending.stop == .cap)
        #expect(simulation.scheduler.bufferedCount == 12)
        #expect(simulation.costs.allSatisfy { abs(($0 ?? 0) - 0.025) < 1e-12 })
    }

    /// What earlier runs recorded counts: the same cap again sends nothing; a higher one continues.
    @Test func rerunsCountRecordedSpend() {
        var same = Simulation(scheduler: scheduler(cap: 0.2, spentBefore: 0.2))
        same.scheduler.enqueue(Self.records(12))
        same.scheduler.sourceDidFinish()
        same.run(for: 60) { _, now in (now + 0.05, .success(Self.answer), nil) }
        #expect(same.sent.reduce(0, +) == 0 && same.scheduler.spending.stop == .cap)
        var higher = Simulation(scheduler: scheduler(cap: 0.3, spentBefore: 0.2))
        higher.scheduler.enqueue(Self.records(12))
        higher.scheduler.sourceDidFinish()
        higher.run(for: 60) { _, now in (now + 0.05, .success(Self.answer), nil) }
        #expect(higher.succeeded == 4 && higher.scheduler.spending.cap.spent <= 0.3 + 1e-9)
    }

    /// Without a cap nothing is held back and every answer is priced.
    @Test func uncappedSpendIsCounted() {
        var simulation = Simulation(scheduler: scheduler(cap: nil))
        simulation.scheduler.enqueue(Self.records(20))
        simulation.scheduler.sourceDidFinish()
        simulation.run(for: 60) { _, now in (now + 0.05, .success(Self.answer), nil) }
        #expect(simulation.succeeded == 20 && simulation.scheduler.spending.stop == nil)
        #expect(abs(simulation.scheduler.spending.cap.spent - 0.5) < 1e-9)
        #expect(abs(simulation.scheduler.spending.byEndpoint.reduce(0, +) - 0.5) < 1e-9)
    }

    /// A prompt that tokenizes to more than its estimate teaches the worst case: later reservations
    /// scale by what answers showed, so the cap still holds.
    @Test func promptUnderestimateIsLearned() {
        var simulation = Simulation(scheduler: scheduler(cap: 1, maxInFlight: 1))
        simulation.scheduler.enqueue(Self.records(100))
        simulation.scheduler.sourceDidFinish()
        let heavy = ParsedAnswer(response: "ok", usage: .object([JSONField("prompt_tokens", 20), JSONField("completion_tokens", 10)]))
        simulation.run(for: 60) { _, now in (now + 0.05, .success(heavy), nil) }
        #expect(simulation.scheduler.spending.cap.spent <= 1 + 1e-9)
        #expect(simulation.succeeded == 25)
    }
}

extension RequestRecord {
    /// This record under another id and line.
    func with(id number: Int) -> RequestRecord {
        RequestRecord(id: "\(number)", line: number, form: form, input: input, body: body)
    }
}
