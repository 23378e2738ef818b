import Testing
@testable import Engine

/// `max_in_flight: auto` finds the knee of servers that queue beyond their capacity.
@Suite struct ConcurrencyLimitTests {
    typealias Simulation = SchedulerSimulation

    /// Three servers of capacity 16, 32 and 64 (250 ms per answer): within 60 s the run reaches 90 %
    /// of their combined capacity with the median latency under 1.3× the unloaded one; when the
    /// largest halves, throughput is back to 90 % of the new capacity within 30 s.
    @Test func findsTheKneeAndFollowsIt() {
        let service = 0.25
        var servers = [16, 32, 64].map { QueueingServer(capacity: $0, service: service) }
        var simulation = Simulation(scheduler: Scheduler(endpoints: Simulation.endpoints(3), rate: 0, maxInFlight: nil,
                                                         retryPolicy: RetryPolicy(maxAttempts: 3)))
        simulation.scheduler.enqueue(Simulation.records(100_000))
        simulation.scheduler.sourceDidFinish()
        var halved = false
        simulation.run(for: 120, tick: { sim in
            if sim.now >= 60, !halved {
                halved = true
                servers[2].resize(to: 32)
            }
        }) { endpoint, now in servers[endpoint].answer(now: now) }
        let full = 112 / service
        let settled = simulation.throughput(in: 40...60)
        #expect(settled >= 0.9 * full, "\(settled)/s of \(full)/s")
        let median = simulation.medianLatency(in: 40...60)
        #expect(median <= 1.3 * service, "median \(median) s")
        let after = simulation.throughput(in: 90...120)
        #expect(after >= 0.9 * 80 / service, "\(after)/s of \(80 / service)/s after halving")
        #expect(simulation.failed.isEmpty)
        let caps = (0..<3).map { simulation.scheduler.limits(of: $0).inFlightCap ?? 0 }
        #expect(caps[0] >= 16 && caps[0] <= 24 && caps[2] >= 32 && caps[2] <= 48, "caps \(caps)")
    }

    /// A server with no knee (latency flat up to thousands in flight): slow start takes the cap
    /// from 8 to the thousands in a few seconds.
    @Test func slowStartGrowsFast() {
        var server = QueueingServer(capacity: 100_000, service: 0.2)
        var simulation = Simulation(scheduler: Scheduler(endpoints: Simulation.endpoints(1), rate: 0, maxInFlight: nil,
                                                         retryPolicy: RetryPolicy(maxAttempts: 3)))
        simulation.scheduler.enqueue(Simulation.records(60_000))
        simulation.scheduler.sourceDidFinish()
        simulation.run(for: 4) { _, now in server.answer(now: now) }
        #expect((simulation.scheduler.limits(of: 0).inFlightCap ?? 0) >= 4000)
    }

    /// A server without a knee whose latency is noise (uniform 10–500 ms at any load): noise is not
    /// read as queueing, so auto gets at least 0.6 of what a fixed cap of 64 gets.
    @Test func noiseIsNotQueueing() {
        func throughput(maxInFlight: Int?) -> Double {
            var generator = SeededGenerator(seed: 3)
            var simulation = Simulation(scheduler: Scheduler(endpoints: Simulation.endpoints(1), rate: 0, maxInFlight: maxInFlight,
                                                             retryPolicy: RetryPolicy(maxAttempts: 3)))
            simulation.scheduler.enqueue(Simulation.records(20_000))
            simulation.scheduler.sourceDidFinish()
            simulation.run(for: 600) { _, now in
                (now + Double.random(in: 0.01...0.5, using: &generator), .success(ParsedAnswer(response: "ok")), nil)
            }
            return Double(simulation.succeeded) / (simulation.finishedAt ?? .infinity)
        }
        let fixed = throughput(maxInFlight: 64)
        let auto = throughput(maxInFlight: nil)
        #expect(auto >= 0.6 * fixed, "auto \(auto)/s against fixed 64 \(fixed)/s")
    }

    /// The baseline is measured again at half the cap after a minute, so it cannot drift up with
    /// load; answers that were slow under the old load do not count in the measurement.
    @Test func remeasuresTheBaseline() {
        var limit = ConcurrencyLimit(now: 0, initial: 64)
        var now = 0.0
        // 100 ms answers for a second, then 110 ms ones under load: the baseline ages.
        while !limit.isRemeasuring && now < 120 {
            now += 0.01
            limit.dispatched(inFlight: limit.cap)
            limit.answered(sentAt: now - (now < 1 ? 0.1 : 0.11), now: now)
        }
        #expect(abs((limit.baseline ?? 0) - 0.1) < 1e-9)
        #expect(now >= 60 && now < 62, "re-measured at \(now)")
        let restore = Double(limit.cap * 2)
        // Answers to requests sent before the probe began are ignored; later ones (80 ms now) count.
        let began = now
        limit.answered(sentAt: began - 1, now: now + 0.01)
        while limit.isRemeasuring {
            now += 0.01
            limit.answered(sentAt: now - 0.08, now: now)
        }
        #expect(abs((limit.baseline ?? 0) - 0.08) < 1e-9)
        #expect(Double(limit.cap) >= restore - 1)
    }

    /// A server that became slower for good: the cap falls to its floor, where every window is a
    /// baseline, and climbs again from the new latency.
    @Test func followsAServerThatSlowsDown() {
        var limit = ConcurrencyLimit(now: 0, initial: 32)
        var now = 0.0
        for _ in 0..<500 {
            now += 0.01
            limit.dispatched(inFlight: limit.cap)
            limit.answered(sentAt: now - 0.1, now: now)
        }
        for _ in 0..<3000 {
            now += 0.01
            limit.dispatched(inFlight: limit.cap)
            limit.answered(sentAt: now - 0.5, now: now)
        }
        #expect(abs((limit.baseline ?? 0) - 0.5) < 1e-9)
        #expect(limit.cap > 2)
    }

    /// Timeouts and 5xx shrink the cap by a tenth; setting it by hand leaves slow start.
    @Test func overloadAndKeys() {
        var limit = ConcurrencyLimit(now: 0, initial: 100)
        limit.overloaded(now: 1)
        #expect(limit.cap == 90)
        limit.set(40, now: 2)
        #expect(limit.cap == 40 && !limit.isSlowStart)
        limit.set(0, now: 3)
        #expect(limit.cap == 1)
    }
}

/// `max_in_flight: auto` guided by the server's own queue gauges.
@Suite struct ServerGuidedConcurrencyTests {
    /// A 4-slot server reporting once a second: from an initial 8 the cap is at 4 after the first
    /// report and stays within [3, 6], at exactly 4 in at least 90 % of the seconds, probing 5 now and then.
    @Test func settlesOnTheSlotCount() {
        var limit = ConcurrencyLimit(now: 0)
        var atFour = 0, probes = 0
        for second in 1...300 {
            let now = Double(second)
            let inFlight = limit.cap
            limit.dispatched(inFlight: inFlight)
            limit.serverReported(running: Double(min(inFlight, 4)), waiting: Double(max(0, inFlight - 4)), now: now)
            #expect((3...6).contains(limit.cap), "cap \(limit.cap) at \(second) s")
            if limit.cap == 4 { atFour += 1 }
            if limit.cap == 5 { probes += 1 }
        }
        #expect(atFour >= 270, "\(atFour) s at 4")
        #expect(probes >= 5, "probed \(probes) times")
    }

    /// A server of 64 slots is found from the initial 8 within 20 reports (by half while no request
    /// has waited), and the cap then stays within one of 64.
    @Test func findsManySlotsFast() {
        var limit = ConcurrencyLimit(now: 0)
        for second in 1...60 {
            let inFlight = limit.cap
            limit.dispatched(inFlight: inFlight)
            limit.serverReported(running: Double(min(inFlight, 64)), waiting: Double(max(0, inFlight - 64)), inFlight: inFlight, now: Double(second))
            if second >= 20 { #expect((63...65).contains(limit.cap), "cap \(limit.cap) at \(second) s") }
        }
    }

    /// The cap grows only while it binds and nobody waits; a server that grows to 6 slots is found.
    @Test func growsWhenTheServerGrows() {
        var limit = ConcurrencyLimit(now: 0, initial: 2)
        var slots = 4
        for second in 1...200 {
            if second == 100 { slots = 6 }
            let inFlight = limit.cap
            limit.dispatched(inFlight: inFlight)
            limit.serverReported(running: Double(min(inFlight, slots)), waiting: Double(max(0, inFlight - slots)), now: Double(second))
            if second == 90 { #expect(limit.cap == 4) }
        }
        #expect(limit.cap == 6 || limit.cap == 7)
        // Long answers: no send between two reports, but the cap is full the whole time: it grows.
        var long = ConcurrencyLimit(now: 0, initial: 3)
        for second in 1...10 { long.serverReported(running: 3, waiting: 0, inFlight: 3, now: Double(second)) }
        #expect(long.cap > 3)
        // Not binding (one request in flight): no growth.
        var idle = ConcurrencyLimit(now: 0, initial: 4)
        for second in 1...60 {
            idle.dispatched(inFlight: 1)
            idle.serverReported(running: 1, waiting: 0, now: Double(second))
        }
        #expect(idle.cap == 4)
    }

    /// A server that says its slots but not its queue (llama.cpp's `/slots`) gets its slot count as the cap.
    @Test func slotsSetTheCap() {
        var limit = ConcurrencyLimit(now: 0, initial: 8)
        limit.serverReported(running: 2, waiting: nil, slots: 4, inFlight: 8, now: 1)
        #expect(limit.cap == 4 && limit.isServerGuided(now: 2))
        limit.serverReported(running: 4, waiting: nil, slots: 1e9, inFlight: 4, now: 2)
        #expect(limit.cap == Int(ConcurrencyLimit.ceiling))
        limit.serverReported(running: nil, waiting: nil, now: 3)
        #expect(limit.cap == Int(ConcurrencyLimit.ceiling))
    }

    /// A server claiming absurd counts moves the cap within its bounds and never traps.
    @Test func absurdReportsStayInBounds() {
        var limit = ConcurrencyLimit(now: 0, initial: 8)
        limit.serverReported(running: 1e300, waiting: 1e300, inFlight: 8, now: 1)
        #expect(limit.cap >= 1 && limit.cap <= Int(ConcurrencyLimit.ceiling))
        limit.serverReported(running: -5, waiting: 3, inFlight: 8, now: 2)
        #expect(limit.cap == 1)
    }

    /// A server that answers some requests 500 while its metrics say nobody waits keeps the cap at
    /// its slots: failures are not overload evidence while the server's own queue is read.
    @Test func failuresDoNotShrinkAGuidedCap() {
        var limit = ConcurrencyLimit(now: 0, initial: 8)
        limit.serverReported(running: 4, waiting: 4, inFlight: 8, now: 1)
        for tenth in 0..<40 { limit.overloaded(now: 1.05 + Double(tenth) * 0.1) }
        #expect(limit.cap == 4)
        // Without reports the latency rules take over again, failures included.
        limit.overloaded(now: 10)
        #expect(limit.cap == 3)
    }

    /// While reports come, latency does not move the cap; after 5 s of silence it does again.
    @Test func latencyRulesWhenTheServerFallsSilent() {
        var limit = ConcurrencyLimit(now: 0, initial: 8)
        limit.serverReported(running: 4, waiting: 4, now: 1)
        #expect(limit.cap == 4 && limit.isServerGuided(now: 2))
        for index in 0..<50 { limit.answered(sentAt: 2, now: 2.5 + Double(index) * 0.01) }
        #expect(limit.cap == 4)
        #expect(!limit.isServerGuided(now: 7))
    }
}
