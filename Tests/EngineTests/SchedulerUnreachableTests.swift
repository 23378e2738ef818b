import Testing
@testable import Engine

/// A run whose endpoints all fail ends by itself; one that only waits on rate limits does not.
@Suite struct SchedulerUnreachableTests {
    struct Simulation {
        var scheduler: Scheduler
        var generator = SeededGenerator(seed: 7)
        var now = 0.0
        var failed = 0
        var succeeded = 0

        /// Drives the scheduler on a manual clock for up to `seconds`, answering every attempt with `answer` after 10 ms.
        mutating func run(for seconds: Double, answer: (Int) -> Result<ParsedAnswer, EngineError>) {
            var inFlight: [(due: Double, dispatch: Dispatch)] = []
            while now < seconds {
                switch scheduler.nextAction(now: now) {
                case .dispatch(let dispatch):
                    inFlight.append((now + 0.01, dispatch))
                    continue
                case .finished, .abandonInFlight:
                    return
                case .wait(let until):
                    let next = min(until ?? .infinity, inFlight.map(\.due).min() ?? .infinity)
                    guard next.isFinite else { return }
                    now = max(now, next)
                }
                while let index = inFlight.firstIndex(where: { $0.due <= now }) {
                    let (_, dispatch) = inFlight.remove(at: index)
                    switch scheduler.complete(dispatch, result: answer(dispatch.endpoint), now: now, using: &generator) {
                    case .failed: failed += 1
                    case .succeeded: succeeded += 1
                    case .willRetry: break
                    }
                }
            }
        }
    }

    func endpoints(_ count: Int) -> [EndpointConfiguration] {
        (0..<count).map { EndpointConfiguration(name: "e\($0)", url: EndpointURL("http://h:\($0 + 1)")!) }
    }

    func records(_ count: Int) -> [RequestRecord] {
        (1...count).map { RequestRecord(id: "\($0)", line: $0, form: .seed, input: "p", body: .object([])) }
    }

    /// Every endpoint refuses connections: the run stops as unreachable about 60 s after the last one
    /// began failing, and no record is written as an error (they stay unsent for a rerun).
    @Test func stopsWhenNoEndpointAnswers() {
        var simulation = Simulation(scheduler: Scheduler(endpoints: endpoints(2), rate: 100, maxInFlight: 16,
                                                         retryPolicy: RetryPolicy(maxAttempts: 3), drainTimeout: 5))
        simulation.scheduler.enqueue(records(50))
        simulation.scheduler.sourceDidFinish()
        simulation.run(for: 600) { _ in .failure(.connect("connection refused")) }
        #expect(simulation.scheduler.stoppedUnreachable)
        #expect(simulation.now >= 60 && simulation.now < 70, "stopped at \(simulation.now)")
        #expect(simulation.failed == 0)
        #expect(simulation.scheduler.health.allSatisfy { $0.lastFailure?.description == "connection failed: connection refused" })
    }

    /// One endpoint fails but the other answers: the run never stops as unreachable, and records that
    /// fail for good on the bad one are written as failures only when another endpoint answers.
    @Test func oneAnsweringEndpointKeepsTheRunGoing() {
        var simulation = Simulation(scheduler: Scheduler(endpoints: endpoints(2), rate: 20, maxInFlight: 16,
                                                         retryPolicy: RetryPolicy(maxAttempts: 3)))
        simulation.scheduler.enqueue(records(200))
        simulation.scheduler.sourceDidFinish()
        simulation.run(for: 600) { $0 == 0 ? .failure(.connect("connection refused")) : .success(ParsedAnswer(response: "ok")) }
        #expect(!simulation.scheduler.stoppedUnreachable)
        #expect(simulation.succeeded + simulation.failed == 200)
    }

    /// 429s with Retry-After on every endpoint for minutes are waiting, not failing: no stop.
    @Test func rateLimitsNeverCountAsUnreachable() {
        var simulation = Simulation(scheduler: Scheduler(endpoints: endpoints(1), rate: 0, maxInFlight: 4,
                                                         retryPolicy: RetryPolicy(maxAttempts: 1000)))
        simulation.scheduler.enqueue(records(5))
        simulation.scheduler.sourceDidFinish()
        simulation.run(for: 300) { _ in .failure(.http(status: 429, detail: nil, retryAfter: 5)) }
        #expect(!simulation.scheduler.stoppedUnreachable && simulation.now >= 300)
    }
}
