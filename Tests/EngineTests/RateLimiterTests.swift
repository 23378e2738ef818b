import Testing
@testable import Engine

@Suite struct RateLimiterTests {
    /// Drives a limiter as the runner does, waking exactly when told (plus `lateness`), for `seconds`.
    func admissions(rate: Double, seconds: Double, lateness: Double = 0, limiter: inout RateLimiter) -> [Double] {
        var now = 0.0
        var times: [Double] = []
        while now < seconds {
            let next = limiter.earliestAdmission(now: now)
            if next > now {
                now = next + lateness
                continue
            }
            limiter.admit(now: now)
            times.append(now)
        }
        return times
    }

    /// Over a simulated minute the limiter admits R per second (plus at most the burst), at every rate.
    @Test(arguments: [1.0, 7.0, 200.0, 1000.0, 10_000.0, 20_000.0])
    func holdsRateOverAMinute(rate: Double) {
        var limiter = RateLimiter(rate: rate)
        let times = admissions(rate: rate, seconds: 60, limiter: &limiter)
        let expected = rate * 60
        #expect(Double(times.count) >= expected)
        #expect(Double(times.count) <= expected + Double(limiter.burst))
        // Every whole second after the first holds R admissions within ±1 %.
        for second in 1..<59 {
            let count = times.filter { $0 >= Double(second) && $0 < Double(second + 1) }.count
            #expect(abs(Double(count) - rate) <= max(1, rate * 0.01))
        }
    }

    /// A timer that wakes late (here 2 ms every time) costs no throughput: the tolerance absorbs it.
    @Test func lateWakeUpsAreMadeUp() {
        var limiter = RateLimiter(rate: 200)
        let times = admissions(rate: 200, seconds: 10, lateness: 0.002, limiter: &limiter)
        #expect(abs(Double(times.count) - 2000) <= 4)
    }

    /// A new rate takes effect at once, in both directions.
    @Test func rateChangesApplyImmediately() {
        var limiter = RateLimiter(rate: 1)
        limiter.admit(now: 0)
        #expect(limiter.earliestAdmission(now: 0) > 0.9)
        limiter.setRate(1000, now: 0.001)
        #expect(limiter.earliestAdmission(now: 0.001) <= 0.002)
        limiter.setRate(0, now: 0.002)
        #expect(limiter.earliestAdmission(now: 0.002) == 0.002)
    }
}
