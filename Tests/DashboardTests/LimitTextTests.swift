import Engine
import Testing
@testable import Dashboard

@Suite struct LimitTextTests {
    func limits(rate: Double? = nil, source: LearnedRate.Source? = nil, cap: Int? = nil, auto: Bool = false) -> EndpointLimits {
        var limits = EndpointLimits()
        limits.rate = rate
        limits.rateSource = source
        limits.inFlightCap = cap
        limits.capIsAuto = auto
        return limits
    }

    /// Rates below 10/s read per minute; the source and the cap's mode are named.
    @Test func wideAndNarrow() {
        #expect(LimitText.wide(limits(rate: 118.0 / 60, source: .learned, cap: 48, auto: true)) == "118/min learned · conc 48 auto")
        #expect(LimitText.wide(limits(rate: 2, source: .headers)) == "120/min headers")
        #expect(LimitText.wide(limits(rate: 250, source: .configured, cap: 64)) == "250/s set · conc 64")
        #expect(LimitText.wide(limits()) == nil)
        #expect(LimitText.narrow(limits(rate: 118.0 / 60, source: .learned, cap: 48, auto: true)) == "118/m c48")
        #expect(LimitText.column(limits(rate: 118.0 / 60, source: .learned)) == "118/min learned")
        #expect(LimitText.column(limits(rate: 118.0 / 60, source: .learned, cap: 48, auto: true)) == "118/m c48 auto")
        #expect(LimitText.column(limits(cap: 1200, auto: true)) == "conc 1.2k auto")
    }

    /// Progress lines name only endpoints with learned or automatic limits.
    @Test func progress() {
        var a = EndpointSnapshot(name: "gpu-a", url: "http://a/v1", weight: 1, initialWeight: 1, state: .ready)
        a.limits = limits(rate: 2, source: .learned)
        var b = EndpointSnapshot(name: "gpu-b", url: "http://b/v1", weight: 1, initialWeight: 1, state: .ready)
        b.limits = limits(rate: 5, source: .configured)
        var c = EndpointSnapshot(name: "gpu-c", url: "http://c/v1", weight: 1, initialWeight: 1, state: .ready)
        c.limits = limits(cap: 48, auto: true)
        #expect(LimitText.progress([a, b, c]) == "limits: gpu-a 120/min learned, gpu-c conc 48 auto")
        #expect(LimitText.progress([b]) == nil)
    }
}
