import Testing
@testable import Engine

@Suite struct TokenCountersTests {
    let endpoints = [EndpointConfiguration(name: "a", url: EndpointURL("http://a:1")!, weight: 1),
                     EndpointConfiguration(name: "b", url: EndpointURL("http://b:1")!, weight: 1)]

    func timing(ttft: Double, gap: Double = 0.02, tokens: Int = 5) -> StreamTiming {
        StreamTiming(ttft: ttft, itl: Array(repeating: gap, count: tokens - 1), outputTokens: tokens, tokensReported: true,
                     duration: ttft + Double(tokens - 1) * gap)
    }

    /// Streamed answers give per-endpoint TTFT, ITL and TPOT percentiles, token totals and rates,
    /// and goodput shares counted over every finished record (failed ones included).
    @Test func perEndpointFigures() {
        var stats = StatsAccumulator(endpoints: endpoints, serviceLevels: ServiceLevels(ttft: 0.3))
        for index in 0..<100 {
            let ttft = index < 90 ? 0.2 : 0.5
            stats.record(.succeeded(endpoint: 0, latency: 0.3, promptTokens: 10, completionTokens: 5, timing: timing(ttft: ttft),
                                    good: ttft <= 0.3), at: 10 + Double(index) * 0.01)
        }
        stats.record(.succeeded(endpoint: 1, latency: 0.1, promptTokens: 1, completionTokens: 7), at: 11)
        stats.record(.failed(endpoint: 1, kind: .server, latency: 0.1, message: "HTTP 500", final: true), at: 11)
        let snapshot = stats.snapshot(at: 11.5, progress: SourceProgress())
        let a = snapshot.endpoints[0].tokens
        #expect(a.streamed == 100 && a.good == 90 && a.completionTokens == 500 && a.promptTokens == 1000)
        #expect(abs((a.ttft.p50 ?? 0) - 0.2) < 0.001 && abs((a.ttft.p99 ?? 0) - 0.5) < 0.001)
        #expect(abs((a.itl.p50 ?? 0) - 0.02) < 0.0001 && abs((a.tpot.p50 ?? 0) - 0.02) < 0.0001)
        #expect(a.outputTokensPerSecond > 0 && a.ttftDistribution.total == 100)
        #expect(snapshot.endpoints[0].goodShare == 0.9 && snapshot.endpoints[1].goodShare == 0)
        #expect(snapshot.endpoints[1].tokens.streamed == 0 && snapshot.endpoints[1].tokens.completionTokens == 7)
        #expect(snapshot.tokens.good == 90 && snapshot.goodShare == 90.0 / 102 && snapshot.serviceLevels?.ttft == 0.3)
        #expect(a.answerHistory.count == TokenCounters.historySeconds && a.answerHistory.reduce(0, +) == 100)
        #expect(a.tokenHistory.reduce(0, +) == 500)
    }

    /// Percentiles from one walk agree with the histogram's own valueAtPercentile.
    @Test func percentilesMatchTheHistogram() {
        var histogram = TokenCounters.histogram()
        for value in 1...1000 { _ = histogram.record(UInt64(value * 37 % 5000 + 1)) }
        let percentiles = Percentiles(histogram)
        #expect(percentiles.p50 == Double(histogram.valueAtPercentile(50)) / 1_000_000)
        #expect(percentiles.p90 == Double(histogram.valueAtPercentile(90)) / 1_000_000)
        #expect(percentiles.p99 == Double(histogram.valueAtPercentile(99)) / 1_000_000)
        #expect(Percentiles(TokenCounters.histogram()).p50 == nil)
    }

    /// Log bins: 32 per decade from 1 ms, with under- and overflow; percentiles at bin edges.
    @Test func distributionBins() {
        var distribution = Distribution()
        for seconds in [0.0005, 0.001, 0.0015, 0.2, 5000] { distribution.record(seconds) }
        #expect(distribution.counts[0] == 1 && distribution.counts[1] == 1 && distribution.counts[Distribution.bin(of: 0.0015)] == 1)
        #expect(distribution.counts.last == 1 && distribution.total == 5)
        #expect(Distribution.bin(of: 0.01) == 33 && abs(Distribution.lowerEdge(of: 33) - 0.01) < 1e-12)
        #expect(distribution.counts(perDecade: 8)[Distribution.bin(of: 0.2, perDecade: 8)] == 1 && distribution.counts(perDecade: 8).reduce(0, +) == 5)
        #expect(distribution.percentile(70)! > 0.2 && distribution.percentile(70)! < 0.27)
    }
}
