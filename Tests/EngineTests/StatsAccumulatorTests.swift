import Testing
@testable import Engine

@Suite struct StatsAccumulatorTests {
    let endpoints = [EndpointConfiguration(name: "a", url: EndpointURL("http://a:1")!, weight: 3),
                     EndpointConfiguration(name: "b", url: EndpointURL("http://b:1")!, weight: 1)]

    /// Counters, error kinds, latency percentiles and shares come out of a stream of events.
    @Test func aggregates() {
        var stats = StatsAccumulator(endpoints: endpoints)
        stats.record(.read(count: 5), at: 0)
        for index in 0..<100 {
            let endpoint = index % 4 == 3 ? 1 : 0
            stats.record(.sent(endpoint: endpoint, isRetry: false), at: Double(index) * 0.01)
            stats.record(.succeeded(endpoint: endpoint, latency: 0.1 + Double(index) * 0.001, promptTokens: 2, completionTokens: 3),
                         at: Double(index) * 0.01)
        }
        stats.record(.failed(endpoint: 1, kind: .rateLimited, latency: 0.01, message: "HTTP 429", final: false), at: 1)
        stats.record(.sent(endpoint: 0, isRetry: true), at: 1)
        stats.record(.badLine(line: 9, reason: "not valid JSON"), at: 1)
        var control = ControlState()
        control.endpoints = [EndpointControl(weight: 3, inFlight: 1), EndpointControl(weight: 1, inFlight: 0, status: .cooling(seconds: 1.5, reason: .tooManyRequests))]
        stats.update(control)
        let snapshot = stats.snapshot(at: 1.2, progress: SourceProgress())
        #expect(snapshot.succeeded == 100 && snapshot.failed == 1 && snapshot.badLines == 1 && snapshot.retries == 1)
        #expect(snapshot.promptTokens == 200 && snapshot.completionTokens == 300)
        #expect(snapshot.errorsByKind == [.rateLimited: 1, .badInput: 1])
        #expect(snapshot.recentErrors.map(\.source) == ["b", "input"])
        let a = snapshot.endpoints[0]
        #expect(a.sent == 76 && a.retries == 1 && a.targetShare == 0.75)
        #expect(abs((a.p50 ?? 0) - 0.15) < 0.01)
        #expect(abs(a.actualShare - 0.76) < 0.02)
        #expect(snapshot.endpoints[1].state == .cooling(seconds: 1.5, reason: .tooManyRequests))
    }

    /// Only the last few errors are kept.
    @Test func keepsRecentErrorsBounded() {
        var stats = StatsAccumulator(endpoints: endpoints)
        for line in 1...50 { stats.record(.badLine(line: line, reason: "x"), at: 0) }
        let recent = stats.snapshot(at: 0, progress: SourceProgress()).recentErrors
        #expect(recent.count == StatsAccumulator.recentErrorLimit)
        #expect(recent.last?.message == "line 50: x")
    }
}
