import Testing
@testable import Engine

@Suite struct FinishEstimateTests {
    func endpoint(_ name: String, weight: Double = 1, rps: Double? = nil, tpm: Double? = nil) -> EndpointConfiguration {
        var endpoint = EndpointConfiguration(name: name, url: EndpointURL("http://\(name):1")!, weight: weight)
        endpoint.requestsPerSecond = rps
        endpoint.tokensPerMinute = tpm
        return endpoint
    }

    /// The strictest floor wins: here tokens per minute beat the request rate.
    @Test func strictestLimitWins() {
        var configuration = EngineConfiguration(endpoints: [endpoint("a")], rate: 100)
        configuration.tokensPerMinute = 60_000
        let estimate = FinishEstimate(records: 1000, tokens: 200_000, configuration: configuration)
        #expect(estimate.seconds == 200 && estimate.bound == .tokenRate)
    }

    /// Endpoint limits bind only when every endpoint taking traffic has one; drained ones do not count.
    @Test func endpointLimitsSumUp() {
        let limited = EngineConfiguration(endpoints: [endpoint("a", rps: 10), endpoint("b", rps: 5), endpoint("c", weight: 0)], rate: 0)
        let estimate = FinishEstimate(records: 300, tokens: 0, configuration: limited)
        #expect(estimate.seconds == 20 && estimate.bound == .endpointRequests)
        let open = EngineConfiguration(endpoints: [endpoint("a", rps: 10), endpoint("b")], rate: 0)
        #expect(FinishEstimate(records: 300, tokens: 0, configuration: open).seconds == nil)
    }
}
