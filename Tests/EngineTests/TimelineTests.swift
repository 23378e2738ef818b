import Testing
@testable import Engine

@Suite struct TimelineTests {
    /// Counts add up within a bucket; gauges keep their last value and carry it into later buckets.
    @Test func bucketsCountsAndGauges() {
        var timeline = Timeline()
        timeline.sample(at: 0.1, deltas: [.answers(endpoint: "a"): 2], values: [.weight(endpoint: "a"): 3])
        timeline.sample(at: 0.9, deltas: [.answers(endpoint: "a"): 1], values: [.weight(endpoint: "a"): 4])
        timeline.sample(at: 3.2, deltas: [.answers(endpoint: "a"): 5], values: [:])
        #expect(timeline.length == 4 && timeline.times == [0, 1, 2, 3])
        #expect(timeline.counts[.answers(endpoint: "a")] == [3, 0, 0, 5])
        #expect(timeline.gauges[.weight(endpoint: "a")] == [4, 4, 4, 4])
    }

    /// A synthetic 10-hour run sampled every 100 ms stays under 2,048 points: buckets double, counts
    /// keep their total, gauges their latest value, and the JSON of 40 series stays far under 2 MB.
    @Test func tenHoursDownsample() {
        var timeline = Timeline()
        var total = 0.0
        let seconds = 10 * 3600
        for tenth in 0..<(seconds * 10) {
            let time = Double(tenth) / 10
            timeline.sample(at: time, deltas: [.answers(endpoint: "a"): 20], values: [.cap(endpoint: "a"): Double(tenth / 36_000)])
            total += 20
        }
        #expect(timeline.length <= Timeline.maxPoints && timeline.length >= Timeline.maxPoints / 2)
        #expect(timeline.bucketSeconds == 32)
        #expect(timeline.counts[.answers(endpoint: "a")]!.reduce(0, +) == total)
        #expect(timeline.gauges[.cap(endpoint: "a")]!.last == 9)
        let perPoint = 40 * timeline.length * 8
        #expect(perPoint < 2_000_000)
    }

    /// The accumulator samples from its cumulative counters: per-endpoint answers and errors by
    /// kind land in the second they happened; operator actions are kept with their time.
    @Test func accumulatorSamples() {
        var stats = StatsAccumulator(endpoints: [EndpointConfiguration(name: "a", url: EndpointURL("http://a:1")!, weight: 1)])
        stats.record(.succeeded(endpoint: 0, latency: 0.1, promptTokens: 1, completionTokens: 4), at: 0.5)
        stats.sampleTimeline(at: 0.5)
        stats.record(.failed(endpoint: 0, kind: .server, latency: 0.1, message: "500", final: false), at: 1.5)
        stats.record(.action(.pause, endpoint: nil), at: 1.6)
        stats.sampleTimeline(at: 1.6)
        #expect(stats.timeline.counts[.answers(endpoint: "a")] == [1, 0] && stats.timeline.counts[.tokens(endpoint: "a")] == [4, 0])
        #expect(stats.timeline.counts[.errors(.server)] == [0, 1] && stats.timeline.counts[.failures(endpoint: "a")] == [0, 1])
        #expect(stats.actions == [OperatorAction(at: 1.6, command: .pause)])
    }
}
