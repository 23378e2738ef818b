import Testing
@testable import Engine

@Suite struct RateMeterTests {
    /// A steady 100 events/s reads as 100/s over the window, and old buckets age out.
    @Test func measuresSteadyRate() {
        var meter = RateMeter(bucketWidth: 0.5, buckets: 12)
        for tick in 0..<1000 { meter.add(at: Double(tick) * 0.01) }
        #expect(abs(meter.rate(over: 5, at: 10) - 100) < 1)
        #expect(meter.rate(over: 5, at: 30) == 0)
    }

    /// The series holds one figure per bucket, oldest first.
    @Test func series() {
        var meter = RateMeter(bucketWidth: 1, buckets: 62)
        meter.add(5, at: 0.5)
        meter.add(7, at: 1.5)
        #expect(meter.series(count: 3, at: 2.1) == [0, 5, 7])
    }
}
