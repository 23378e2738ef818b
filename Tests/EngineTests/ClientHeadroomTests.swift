import Testing
@testable import Engine

/// fanout's own headroom from raw readings: CPU share of the cores, the p99 of a timer's lateness.
@Suite struct ClientHeadroomTests {
    /// 1.5 CPU seconds in one wall second on 2 cores is 75 %; timers 1 ms late with one 50 ms stall
    /// in 100 give a p99 of 50 ms, bound; five seconds later the stall is forgotten.
    @Test func figures() {
        var headroom = ClientHeadroom(cores: 2)
        headroom.cpuRead(10, now: 0)
        headroom.cpuRead(11.5, now: 1)
        for index in 0..<100 {
            headroom.timerFired(expected: 0.01, elapsed: index == 50 ? 0.06 : 0.011, now: 1 + Double(index) * 0.01)
        }
        let load = headroom.load(now: 2)
        #expect(abs(load.cpuPercent - 75) < 0.001)
        #expect(abs(load.loopLagP99Ms - 50) < 0.001)
        #expect(load.isBound)
        for index in 0..<100 { headroom.timerFired(expected: 0.01, elapsed: 0.011, now: 6.5 + Double(index) * 0.01) }
        let later = headroom.load(now: 7.5)
        #expect(abs(later.loopLagP99Ms - 1) < 0.001 && !later.isBound)
    }

    /// CPU past 85 % of the cores binds on its own; the share never leaves 0–100.
    @Test func thresholds() {
        var headroom = ClientHeadroom(cores: 1)
        headroom.cpuRead(0, now: 0)
        headroom.cpuRead(0.9, now: 1)
        #expect(headroom.load(now: 1).isBound)
        headroom.cpuRead(5, now: 2)
        #expect(headroom.load(now: 2).cpuPercent == 100)
        #expect(!ClientLoad(cpuPercent: 85, loopLagP99Ms: 20).isBound && ClientLoad(cpuPercent: 10, loopLagP99Ms: 20.5).isBound)
    }
}
