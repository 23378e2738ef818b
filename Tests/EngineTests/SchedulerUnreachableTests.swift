import Testing
@testable import Engine

/// A run whose endpoints all fail ends by itself; one that only waits on rate limits does not.
@Suite struct SchedulerUnreachableTests {
    typealias Simulation = SchedulerSimulation

    /// Every endpoint refuses connections: the run stops as unreachable about 60 s after the last one
    /// began failing, and no record is written as an error (they stay unsent for a rerun).
    @Test func stopsWhenNoEndpointAnswers() {
        var simulation = Simulation(scheduler: Scheduler(endpoints: Simulation.endpoints(2), rate: 100, maxInFlight: 16,
                                                         retryPolicy: RetryPolicy(maxAttempts: 3), drainTimeout: 5))
        simulation.scheduler.enqueue(Simulation.records(50))
        simulation.scheduler.sourceDidFinish()
        simulation.run(for: 600) { _, now in (now + 0.01, .failure(.connect("connection refused")), nil) }
        #expect(simulation.scheduler.stoppedUnreachable)
        #expect(simulation.now >= 60 && simulation.now < 70, "stopped at \(simulation.now)")
        #expect(simulation.failed.isEmpty)
        #expect(simulation.scheduler.health.allSatisfy { $0.lastFailure?.description == "connection failed: connection refused" })
    }

    /// One endpoint fails but the other answers: the run never stops as unreachable, and records that
    /// fail for good on the bad one are written as failures only when another endpoint answers.
    @Test func oneAnsweringEndpointKeepsTheRunGoing() {
        var simulation = Simulation(scheduler: Scheduler(endpoints: Simulation.endpoints(2), rate: 20, maxInFlight: 16,
                                                         retryPolicy: RetryPolicy(maxAttempts: 3)))
        simulation.scheduler.enqueue(Simulation.records(200))
        simulation.scheduler.sourceDidFinish()
        simulation.run(for: 600) { endpoint, now in
            (now + 0.01, endpoint == 0 ? .failure(.connect("connection refused")) : .success(ParsedAnswer(response: "ok")), nil)
        }
        #expect(!simulation.scheduler.stoppedUnreachable)
        #expect(simulation.succeeded + simulation.failed.count == 200)
    }

    /// 429s with Retry-After on every endpoint for minutes are waiting, not failing: no stop.
    @Test func rateLimitsNeverCountAsUnreachable() {
        var simulation = Simulation(scheduler: Scheduler(endpoints: Simulation.endpoints(1), rate: 0, maxInFlight: 4,
                                                         retryPolicy: RetryPolicy(maxAttempts: 1000)))
        simulation.scheduler.enqueue(Simulation.records(5))
        simulation.scheduler.sourceDidFinish()
        simulation.run(for: 300) { _, now in (now + 0.01, .failure(.http(status: 429, detail: nil, retryAfter: 5)), nil) }
        #expect(!simulation.scheduler.stoppedUnreachable && simulation.now >= 300)
    }
}
