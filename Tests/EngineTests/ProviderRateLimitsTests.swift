import Testing
@testable import Engine

@Suite struct ProviderRateLimitsTests {
    /// Durations as providers write them.
    @Test func parsesDurations() {
        #expect(ProviderRateLimits.duration("12ms") == 0.012)
        #expect(ProviderRateLimits.duration("1s") == 1)
        #expect(ProviderRateLimits.duration("6m0s") == 360)
        #expect(ProviderRateLimits.duration("1h2m3.5s") == 3723.5)
        #expect(ProviderRateLimits.duration("2.5") == 2.5)
        #expect(ProviderRateLimits.duration("soon") == nil)
        #expect(ProviderRateLimits.duration("5x") == nil)
        #expect(ProviderRateLimits.duration("") == nil)
    }

    /// The four headers are read; none of them means nil.
    @Test func readsHeaders() {
        let limits = ProviderRateLimits(headers: [HeaderField("x-ratelimit-remaining-requests", "7"), HeaderField("x-ratelimit-remaining-tokens", "900"),
                                                  HeaderField("x-ratelimit-reset-requests", "120ms"), HeaderField("x-ratelimit-reset-tokens", "6m0s")])
        #expect(limits == ProviderRateLimits(remainingRequests: 7, remainingTokens: 900, resetRequests: 0.12, resetTokens: 360))
        #expect(ProviderRateLimits(headers: [HeaderField("content-type", "application/json")]) == nil)
    }
}
