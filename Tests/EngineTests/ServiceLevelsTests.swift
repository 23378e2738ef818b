import Testing
@testable import Engine

@Suite struct ServiceLevelsTests {
    let timing = StreamTiming(ttft: 0.3, itl: [0.04, 0.04], outputTokens: 3, tokensReported: true, duration: 0.38)

    /// A record is good only when it meets every target given; TTFT and TPOT need a streamed answer.
    @Test func everyTargetMustHold() {
        #expect(ServiceLevels(ttft: 0.5, tpot: 0.05, e2e: 1).isMet(latency: 0.4, timing: timing))
        #expect(!ServiceLevels(ttft: 0.2).isMet(latency: 0.4, timing: timing))
        #expect(!ServiceLevels(tpot: 0.03).isMet(latency: 0.4, timing: timing))
        #expect(!ServiceLevels(e2e: 0.3).isMet(latency: 0.4, timing: timing))
        #expect(!ServiceLevels(ttft: 1).isMet(latency: 0.4, timing: nil))
        #expect(ServiceLevels(e2e: 1).isMet(latency: 0.4, timing: nil))
    }

    /// A one-token answer has no TPOT and meets any TPOT target (vLLM's rule).
    @Test func oneTokenMeetsTPOT() {
        let one = StreamTiming(ttft: 0.1, itl: [], outputTokens: 1, tokensReported: true, duration: 0.1)
        #expect(one.tpot == nil && ServiceLevels(tpot: 0.001).isMet(latency: 0.1, timing: one))
    }

    /// The description lists the targets given, in a fixed order.
    @Test func describes() {
        #expect(ServiceLevels(ttft: 0.5, e2e: 10).description { "\($0)s" } == "ttft ≤ 0.5s, e2e ≤ 10.0s")
    }
}
