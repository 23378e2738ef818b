import Testing
@testable import Engine

@Suite struct LatencyBucketsTests {
    /// Counts are cumulative per bound; the sum and count cover every observation, +Inf included.
    @Test func cumulativeCounts() {
        var buckets = LatencyBuckets()
        for seconds in [0.001, 0.02, 0.02, 0.7, 400] { buckets.record(seconds) }
        let counts = buckets.cumulativeCounts
        #expect(counts[0] == 1)
        #expect(counts[LatencyBuckets.bounds.firstIndex(of: 0.025)!] == 3)
        #expect(counts[LatencyBuckets.bounds.firstIndex(of: 1)!] == 4)
        #expect(counts.last == 4 && buckets.count == 5)
        #expect(abs(buckets.sum - 400.741) < 1e-9)
    }
}
